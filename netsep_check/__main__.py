"""``python -m netsep_check`` runs the command-line interface."""

from netsep_check.cli import main

if __name__ == "__main__":
    main()
