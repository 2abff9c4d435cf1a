"""``python -m runtime.cli``."""

from runtime.cli import console

if __name__ == "__main__":
    console()
