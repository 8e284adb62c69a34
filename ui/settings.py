"""The app's settings in one place: QSettings behind a small typed wrapper with a version."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_VERSION = 1
LANGUAGES = ("zh", "en")
TILES = ("none", "osm", "gaode")


class Settings:
    """Typed access to the persisted settings (language, tiles, window layout, folders)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings()
        self._migrate()

    def _migrate(self) -> None:
        version = int(self._s.value("settings_version", 0) or 0)
        if version < SETTINGS_VERSION:
            # Version 0 had no version key; nothing to convert yet, only record the version.
            self._s.setValue("settings_version", SETTINGS_VERSION)

    def _get_choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = str(self._s.value(key, default) or default)
        return value if value in choices else default

    @property
    def language(self) -> str:
        return self._get_choice("view/language", LANGUAGES, "zh")

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(value)
        self._s.setValue("view/language", value)

    @property
    def tiles(self) -> str:
        return self._get_choice("map/tiles", TILES, "none")

    @tiles.setter
    def tiles(self, value: str) -> None:
        if value not in TILES:
            raise ValueError(value)
        self._s.setValue("map/tiles", value)

    @property
    def last_folder(self) -> str:
        return str(self._s.value("files/last_folder", "") or "")

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._s.setValue("files/last_folder", value)

    @property
    def recent_files(self) -> list[str]:
        value = self._s.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str, limit: int = 8) -> None:
        items = [p for p in self.recent_files if p != path]
        self._s.setValue("files/recent", [path, *items][:limit])

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self._s.value("window/geometry"), self._s.value("window/state")

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    def sync(self) -> None:
        self._s.sync()
