"""``python -m netsep_check`` runs the command-line interface."""

from netsep_check.cli import run

if __name__ == "__main__":
    run()
