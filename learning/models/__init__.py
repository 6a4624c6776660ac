from .certifications import Certification, CertificationAward
from .paths import LearningPath, LearningPathStep
from .progress import Enrolment, LessonCompletion, QuizAttempt

# isort: split
# The pages last: pages.py and quiz.py (the course's quiz route) import
# learning.services and learning.selectors (their routes call them), and those
# import the models above by name.
from .pages import CourseIndexPage, CourseLevel, CoursePage, LessonPage

__all__ = [
    "Certification",
    "CertificationAward",
    "CourseIndexPage",
    "CourseLevel",
    "CoursePage",
    "Enrolment",
    "LearningPath",
    "LearningPathStep",
    "LessonCompletion",
    "LessonPage",
    "QuizAttempt",
]
