#!/usr/bin/env python3
"""Django's manage.py; the installed `sathach` command does the same."""

from sathach.cli import main

if __name__ == "__main__":
    main()
