#!/usr/bin/env python
from forlop.__main__ import main

if __name__ == "__main__":
    main()
