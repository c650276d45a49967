#!/usr/bin/env python
from dtto.cli import main

if __name__ == "__main__":
    main()
