"""Requests a client can get wrong are answered with a clear page, logged, never a 500."""

import logging

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_the_expired_form_page_and_is_logged(citizen, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    with caplog.at_level(logging.WARNING, logger="ponte"):
        response = client.post("/me/", {"name": "Carla", "language": "en"})
    assert response.status_code == 403
    assert "Your form expired" in response.content.decode()
    assert any("CSRF failure on /me/" in record.getMessage() for record in caplog.records)
    citizen.refresh_from_db()
    assert citizen.name == "Carla Citizen"


@pytest.mark.django_db
def test_an_oversized_request_is_refused_with_a_clear_page_and_logged(client, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    with caplog.at_level(logging.WARNING):
        response = client.post("/accounts/login/", {"login": "x" * 5000, "password": "y"})
    assert response.status_code == 400
    assert "Something in the request was wrong" in response.content.decode()
    assert any("DATA_UPLOAD_MAX_MEMORY_SIZE" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_too_many_form_fields_are_refused_without_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/accounts/signup/", {f"field{i}": "x" for i in range(50)})
    assert response.status_code == 400


@pytest.mark.django_db
def test_unknown_pages_answer_the_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_the_error_pages_are_in_the_visitors_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.content.decode()
    assert "Page not found" not in response.content.decode()
