from .certifications import Certification, CertificationAward
from .pages import CourseIndexPage, CourseLevel, CoursePage, LessonPage
from .paths import LearningPath, LearningPathStep
from .progress import Enrolment, LessonCompletion, QuizAttempt

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
