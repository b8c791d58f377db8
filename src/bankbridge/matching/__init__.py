"""The pure matching engine: lines + open items + rules + settings → decisions with reasons."""
