"""Use cases (load master data, import, process, fetch, activate …); ``ports`` declares
what they need from storage and the outside world."""
