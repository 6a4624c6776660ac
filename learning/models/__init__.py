from .certifications import Certification, CertificationAward
from .pages import CourseIndexPage, CourseLevel, CoursePage, LessonPage
from .progress import Enrolment, LessonCompletion, QuizAttempt

__all__ = [
    "Certification",
    "CertificationAward",
    "CourseIndexPage",
    "CourseLevel",
    "CoursePage",
    "Enrolment",
    "LessonCompletion",
    "LessonPage",
    "QuizAttempt",
]
