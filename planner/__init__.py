"""QianTu (黔途): the Qt-free planning core for Guizhou tour packages and red-tourism routes."""

__version__ = "0.1.0"
