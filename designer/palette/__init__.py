"""The category-grouped, searchable state palette."""

from designer.palette.palette import MIME_STATE, PaletteWidget

__all__ = ["MIME_STATE", "PaletteWidget"]
