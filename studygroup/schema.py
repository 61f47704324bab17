"""The schema revision this code expects. A test keeps it equal to Alembic's head.

Kept here (not read from migrations/) so that commands on a current database never import Alembic.
"""

HEAD_REVISION = "20261123_01"
