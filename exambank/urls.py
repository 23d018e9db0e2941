"""URLs of the exam bank, under /exams/."""

from django.urls import path

from . import views

app_name = "exambank"

urlpatterns = [
    path("exams/quizzes/", views.quiz_list, name="quizzes"),
    path("exams/quiz/<int:pk>/", views.quiz_detail, name="quiz"),
    path("exams/quiz/<int:pk>/start/", views.quiz_start, name="start"),
    path("exams/quiz/<int:pk>/analysis/", views.item_analysis, name="analysis"),
    path(
        "exams/quiz/<int:pk>/analysis/refresh/",
        views.item_analysis_refresh,
        name="analysis_refresh",
    ),
    path("exams/quiz/<int:pk>/paper.pdf", views.paper_pdf, name="paper"),
    path("exams/quiz/<int:pk>/answer-sheet/", views.answer_sheet, name="answer_sheet"),
    path("exams/attempt/<int:pk>/", views.attempt_take, name="attempt"),
    path("exams/attempt/<int:pk>/save/", views.attempt_save, name="save"),
    path("exams/attempt/<int:pk>/submit/", views.attempt_submit, name="submit"),
    path("exams/attempt/<int:pk>/review/", views.attempt_review, name="review"),
    path("exams/grading/", views.grading_queue, name="grading"),
    path("exams/my-grades/", views.my_grades_view, name="my_grades"),
    path("exams/gradebook/", views.class_gradebook_view, name="gradebook"),
    path("exams/import/", views.import_view, name="import"),
    path("exams/import/template.csv", views.sheet_template, name="sheet_template"),
    path("exams/category/<int:pk>/export/<str:fmt>/", views.export_view, name="export"),
]
