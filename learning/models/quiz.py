"""The quiz of a course: the `<course>/quiz/` route of the course page.

A course's questions are a StreamField of the page (`CoursePage.questions`); taking
them is this route, kept apart from the page's fields because it is a concern of
its own: the attempt limit and cool-down, the shuffled layout an attempt is shown
in, and grading are `learning.services`, and the route only parses the request,
calls them and renders `learning/quiz.html`. Wagtail serves the route through the
page's `serve()`, so the access rule has answered before it runs.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from wagtail.contrib.routable_page.models import path

from partner_portal.partners.access import audience_for

from .. import services


class CourseQuizMixin:
    """The quiz route of `CoursePage` (a RoutablePageMixin page): staff preview
    the questions with their answers, partner users take attempts, anyone else
    gets 404."""

    @path("quiz/")
    def quiz(self, request):
        """GET shows the quiz state, the open attempt or a graded one
        (`?result=<attempt>`); POST starts an attempt or submits one. Staff see a
        preview of the questions."""
        if not self.has_quiz:
            raise Http404
        audience = audience_for(request.user)
        if audience.is_staff:
            # Staff preview the questions with their answers.
            return self._quiz_response(
                request, learner=False, preview=self.question_blocks().values()
            )
        if not audience.is_partner:
            # A public course's quiz is for partner users; its answers are not.
            raise Http404
        if request.method == "POST":
            return self._quiz_post(request)
        enrolment = services.current_enrolment(user=request.user, course=self)
        state = services.quiz_state(enrolment=enrolment, course=self)
        context = {"state": state}
        if state.open_attempt is not None:
            context["attempt"] = state.open_attempt
            context["questions"] = _shown_questions(self, state.open_attempt)
        result_pk = request.GET.get("result", "")
        if enrolment is not None and result_pk.isdigit():
            result = enrolment.attempts.filter(
                pk=int(result_pk), submitted_at__isnull=False
            ).first()
            if result is not None:
                reveal = self.reveals_answers(passed=state.passed)
                context["result"] = result
                context["reveal"] = reveal
                context["graded"] = _graded_questions(self, result, reveal=reveal)
        return self._quiz_response(request, learner=True, **context)

    def _quiz_post(self, request):
        quiz_url = self.url + self.reverse_subpage("quiz")
        action = request.POST.get("action")
        try:
            if action == "start":
                services.quiz_attempt_start(user=request.user, course=self)
            elif action == "submit":
                enrolment = services.current_enrolment(user=request.user, course=self)
                attempt_pk = request.POST.get("attempt", "")
                if enrolment is None or not attempt_pk.isdigit():
                    raise Http404
                attempt = enrolment.attempts.filter(
                    submitted_at__isnull=True, pk=int(attempt_pk)
                ).first()
                if attempt is None:
                    raise Http404
                answers = {
                    item["question"]: [
                        int(value)
                        for value in request.POST.getlist(f"q-{item['question']}")
                        if value.isdigit()
                    ]
                    for item in attempt.layout
                }
                attempt = services.quiz_attempt_submit(attempt=attempt, answers=answers)
                return redirect(f"{quiz_url}?result={attempt.pk}")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(quiz_url)

    def _quiz_response(self, request, **context):
        return TemplateResponse(
            request, "learning/quiz.html", {"page": self, "self": self, **context}
        )


def _laid_out(course, attempt):
    """(number, question id, question, its options in the attempt's order) of each
    question of the attempt's shuffled layout that the course still has."""
    questions = course.question_blocks()
    for number, item in enumerate(attempt.layout, start=1):
        question = questions.get(item["question"])
        if question is None:
            continue
        options = [
            (index, question["options"][index])
            for index in item["options"]
            if index < len(question["options"])
        ]
        yield number, item["question"], question, options


def _shown_questions(course, attempt):
    """The open attempt's questions in its shuffled order, without correctness."""
    return [
        {
            "id": question_id,
            "number": number,
            "text": question["text"],
            "multiple": question["multiple"],
            "options": [
                {"index": index, "text": option["text"]} for index, option in options
            ],
        }
        for number, question_id, question, options in _laid_out(course, attempt)
    ]


def _graded_questions(course, attempt, *, reveal):
    """A submitted attempt's questions, whether each was right and the learner's
    answers; the right answers and explanations only when `reveal`."""
    graded = []
    for number, question_id, question, options in _laid_out(course, attempt):
        chosen = set(attempt.answers.get(question_id, []))
        graded.append(
            {
                "number": number,
                "text": question["text"],
                "right": attempt.results.get(question_id, False),
                "explanation": question["explanation"] if reveal else "",
                "options": [
                    {
                        "text": option["text"],
                        "correct": reveal and option["correct"],
                        "chosen": index in chosen,
                    }
                    for index, option in options
                ],
            }
        )
    return graded
