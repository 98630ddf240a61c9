"""Saving the list without any filter is refused with a message, not a 500: a saved search
keeps the list's filters, and an unfiltered list has none to keep."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from kolops.kols import services
from kolops.kols.models import SavedSearch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", [None, "", "?", "  "], ids=["absent", "empty", "bare ?", "blank"])
def test_saving_the_list_without_filters_says_to_choose_some_and_saves_nothing(client_for, specialist, query):
    # Given the list page without any filter
    client = client_for(specialist)
    data = {"name": "Tất cả"} if query is None else {"name": "Tất cả", "query": query}
    # When its search is saved
    response = client.post(reverse("kols:search_save"), data)
    # Then the list comes back with a message, and nothing is saved
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("kols:list"))
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == ["Choose some filters first: a saved search keeps the list's filters."]
    assert not SavedSearch.objects.exists()


def test_the_service_refuses_a_search_without_filters(specialist, group):
    with pytest.raises(ValidationError) as refused:
        services.saved_search_create(by=specialist, group=group, name="Tất cả", query="?")
    assert "query" in refused.value.message_dict


def test_a_search_with_filters_is_still_saved(client_for, specialist):
    client_for(specialist).post(reverse("kols:search_save"), {"name": "TikTok", "query": "?platform=tiktok"})
    assert list(SavedSearch.objects.values_list("name", "query")) == [("TikTok", "platform=tiktok")]
