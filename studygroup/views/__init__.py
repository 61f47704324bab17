"""The read layer: each output's data as one typed document (render/documents.py), made here
from the nouns' queries and nowhere else. Renderers and --json take these documents.

    agenda.py    the agenda of a session, and the document of a week (agenda, posts, reminders)
    calendar.py  the course calendar (ICS)
    recap.py     the recap of a call
    course.py    `course show`: settings, lectures, progress
    progress.py  progress and the forecast end
    stats.py     attendance statistics and the matrix
"""
