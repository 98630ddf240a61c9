"""A category id beyond 64 bits posted on a page is an invalid choice shown on the form, not a
500: Django looks the chosen ids up together, which SQLite cannot do past 64 bits."""

import pytest
from django.urls import reverse

from kolops.campaigns.models import Campaign
from kolops.kols.models import Category, Kol

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = str(10**30)


def kol_post(group, categories):
    return {
        "display_name": "Linh Beauty",
        "kol_type": "koc",
        "status": "active",
        "group": group.pk,
        "categories": categories,
    }


def test_a_new_kol_with_a_category_id_beyond_64_bits_is_shown_again_with_the_error(
    client_for, specialist, group
):
    response = client_for(specialist).post(reverse("kols:create"), kol_post(group, [BEYOND_64_BITS]))
    assert response.status_code == 200
    assert response.context["form"].has_error("categories", "invalid_choice")
    assert not Kol.objects.exists()


def test_a_kol_edit_with_a_category_id_beyond_64_bits_is_refused(client_for, specialist, kol):
    response = client_for(specialist).post(
        reverse("kols:edit", args=[kol.pk]),
        {
            "display_name": kol.display_name,
            "kol_type": kol.kol_type,
            "status": kol.status,
            "categories": [BEYOND_64_BITS],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("categories", "invalid_choice")


def test_a_new_kol_with_a_known_category_id_is_saved_with_it(client_for, specialist, group):
    beauty = Category.objects.get(slug="beauty")
    client_for(specialist).post(reverse("kols:create"), kol_post(group, [str(beauty.pk)]))
    assert list(Kol.objects.get().categories.all()) == [beauty]


def test_a_new_campaign_with_a_category_id_beyond_64_bits_is_shown_again_with_the_error(
    client_for, specialist, group
):
    response = client_for(specialist).post(
        reverse("campaigns:create"), {"organization": group.pk, "name": "Tết", "categories": [BEYOND_64_BITS]}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("categories", "invalid_choice")
    assert not Campaign.objects.exists()
