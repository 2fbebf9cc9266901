"""The learning network's pages: the coordinator's (``network.py``), the team's (``team.py``)
and the status reports and posters (``reports.py``)."""
