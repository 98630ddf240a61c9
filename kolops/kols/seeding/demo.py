"""The demo installation: an organization tree, users in every role, and seeded KOLs.

`demo_setup` is idempotent: it creates only what is missing, seeds KOLs only into an empty
demo group, and always returns the credentials to print. Passwords are random, generated once
and kept in files under `settings.VAR_DIR` (git-ignored), so a second run prints the same ones.
"""

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kolops.accounts.choices import OrganizationKind, Role
from kolops.accounts.models import Membership, Organization
from kolops.accounts.services import membership_grant, organization_create

from ..models import Kol
from .generator import generate_kols
from .writer import SeedResult, seed_write

DEMO_GROUP = "Tập đoàn Sao Mai / 晨星集团"
# subsidiary → its brands
DEMO_TREE = {
    "Sao Mai Mỹ phẩm / 晨星美妆": ["Lotus Beauty", "Hoa Sen Skincare"],
    "Sao Mai Thực phẩm / 晨星食品": ["Phở Việt Instant", "晨星零食 Morning Star Snacks"],
}
ADMIN_USERNAME = "admin"
# username → (role, where: "group", a subsidiary's name or a brand's name)
DEMO_USERS = {
    "manager": (Role.MANAGER, "group"),
    "specialist": (Role.SPECIALIST, "Sao Mai Mỹ phẩm / 晨星美妆"),
    "specialist.cn": (Role.SPECIALIST, "Sao Mai Thực phẩm / 晨星食品"),
    "reviewer": (Role.REVIEWER, "Lotus Beauty"),
    "viewer": (Role.VIEWER, "group"),
}
ADMIN_FILE = "demo-admin.txt"
USERS_FILE = "demo-users.txt"


@dataclass
class Credential:
    """A demo login: who, with which role, and the password from the credentials file."""

    username: str
    role: str
    password: str
    note: str = ""


@dataclass
class DemoResult:
    """What `demo_setup` found or made."""

    group: Organization
    credentials: list[Credential] = field(default_factory=list)
    seeded: SeedResult | None = None
    seed_seconds: float = 0.0
    kols: int = 0
    admin_file: Path | None = None


def _read_passwords(path: Path) -> dict[str, str]:
    """username → password from a credentials file ("username: password" lines)."""
    if not path.exists():
        return {}
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and ":" in line:
            name, password = line.split(":", 1)
            pairs[name.strip()] = password.strip()
    return pairs


def _write_passwords(path: Path, passwords: dict[str, str], title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# {title}",
        "# Written once by `kolops demo-setup`; delete this file to get new passwords.",
        "",
    ]
    lines += [f"{name}: {password}" for name, password in passwords.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)


def _organizations() -> tuple[Organization, dict[str, Organization]]:
    """The demo group and its subsidiaries and brands by name, created when missing."""
    group = Organization.objects.filter(name=DEMO_GROUP, kind=OrganizationKind.GROUP).first()
    if group is None:
        group = organization_create(name=DEMO_GROUP, kind=OrganizationKind.GROUP)
    by_name = {"group": group}
    for subsidiary_name, brands in DEMO_TREE.items():
        subsidiary = Organization.objects.filter(parent=group, name=subsidiary_name).first()
        if subsidiary is None:
            subsidiary = organization_create(
                name=subsidiary_name, kind=OrganizationKind.SUBSIDIARY, parent=group
            )
        by_name[subsidiary_name] = subsidiary
        for brand_name in brands:
            brand = Organization.objects.filter(parent=subsidiary, name=brand_name).first()
            if brand is None:
                brand = organization_create(name=brand_name, kind=OrganizationKind.BRAND, parent=subsidiary)
            by_name[brand_name] = brand
    return group, by_name


def _ensure_user(username: str, password_file: Path, passwords: dict[str, str], *, superuser=False):
    """The user `username`, with the password kept in `passwords` (generated when missing).

    Returns (user, note). A user whose stored password no longer works keeps its own: the
    note says so instead of silently resetting a password someone chose.
    """
    User = get_user_model()
    note = ""
    user = User.objects.filter(username=username).first()
    stored = passwords.get(username)
    if stored is None:
        stored = passwords[username] = secrets.token_urlsafe(12)
        if user is not None:  # the file was lost: the new password replaces the old one
            user.set_password(stored)
            user.save(update_fields=["password"])
            note = "password reset (the credentials file was missing)"
    if user is None:
        email = f"{username}@demo.kolops.local"
        if superuser:
            user = User.objects.create_superuser(username=username, email=email, password=stored)
        else:
            user = User.objects.create_user(username=username, email=email, password=stored)
    elif not user.check_password(stored):
        note = f"password was changed since it was stored in {password_file.name}"
    return user, note


@transaction.atomic
def _accounts(var_dir: Path) -> tuple[Organization, list[Credential], object]:
    group, orgs = _organizations()
    admin_path, users_path = var_dir / ADMIN_FILE, var_dir / USERS_FILE
    admin_passwords, user_passwords = _read_passwords(admin_path), _read_passwords(users_path)
    admin, note = _ensure_user(ADMIN_USERNAME, admin_path, admin_passwords, superuser=True)
    if not Membership.objects.filter(user=admin, organization=group).exists():
        membership_grant(user=admin, organization=group, role=Role.ADMIN)
    credentials = [Credential(admin.username, Role.ADMIN.label, admin_passwords[ADMIN_USERNAME], note)]
    specialist = admin
    for username, (role, where) in DEMO_USERS.items():
        user, note = _ensure_user(username, users_path, user_passwords)
        if not Membership.objects.filter(user=user, organization=orgs[where]).exists():
            membership_grant(user=user, organization=orgs[where], role=role)
        if role == Role.SPECIALIST and specialist is admin:
            specialist = user
        label = f"{role.label} · {orgs[where].name}"
        credentials.append(Credential(username, label, user_passwords[username], note))
    _write_passwords(admin_path, admin_passwords, "KOLOps demo administrator")
    _write_passwords(users_path, user_passwords, "KOLOps demo users, one per role")
    return group, credentials, specialist


def demo_setup(*, kols: int, seed: int = 1, var_dir: Path | None = None) -> DemoResult:
    """Make the demo installation complete: organizations, users, and `kols` KOLs if none yet.

    Safe to run any number of times; only the first run with an empty demo group seeds.
    """
    var_dir = Path(var_dir or settings.VAR_DIR)
    group, credentials, specialist = _accounts(var_dir)
    result = DemoResult(group=group, credentials=credentials, admin_file=var_dir / ADMIN_FILE)
    if kols > 0 and not Kol.objects.filter(group=group).exists():
        started = time.perf_counter()
        data = generate_kols(kols, seed=seed, today=timezone.localdate())
        result.seeded = seed_write(group=group, kols=data, by=specialist)
        result.seed_seconds = time.perf_counter() - started
    result.kols = Kol.objects.filter(group=group).count()
    return result
