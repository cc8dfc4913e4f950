# The consistency checks read what the store writes: reuse the course fixtures it sells.
from tests.courses.conftest import course, course_index  # noqa: F401
