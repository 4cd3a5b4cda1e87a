"""The zh/en label catalogue: the names every page, export and ticket shows for the hall's states and codes."""
