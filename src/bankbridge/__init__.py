"""bankbridge: bank files and bank APIs in, booked and reconciled bank statements out."""

__version__ = "0.1.0"
