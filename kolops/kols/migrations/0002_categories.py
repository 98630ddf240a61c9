"""The standard content categories (extensible in the admin)."""

from django.db import migrations

CATEGORIES = [
    ("beauty", "Beauty", "Làm đẹp", "美妆"),
    ("lifestyle", "Lifestyle", "Phong cách sống", "生活方式"),
    ("family", "Family & parenting", "Gia đình & nuôi dạy con", "母婴亲子"),
    ("travel", "Travel", "Du lịch", "旅行"),
    ("food", "Food", "Ẩm thực", "美食"),
    ("fashion", "Fashion", "Thời trang", "时尚穿搭"),
    ("tech", "Technology", "Công nghệ", "数码科技"),
    ("gaming", "Gaming", "Trò chơi", "游戏"),
    ("finance", "Finance", "Tài chính", "财经"),
    ("real_estate", "Real estate", "Bất động sản", "房产"),
    ("education", "Education", "Giáo dục", "教育"),
    ("health", "Health", "Sức khỏe", "健康"),
    ("fitness", "Fitness & sport", "Thể hình & thể thao", "运动健身"),
    ("entertainment", "Entertainment", "Giải trí", "娱乐"),
    ("automotive", "Automotive", "Ô tô & xe máy", "汽车"),
    ("pets", "Pets", "Thú cưng", "萌宠"),
    ("home", "Home & living", "Nhà cửa & đời sống", "家居"),
    ("music", "Music", "Âm nhạc", "音乐"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("kols", "Category")
    for bit, (slug, en, vi, zh) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_vi": vi, "name_zh": zh, "bit": bit}
        )


class Migration(migrations.Migration):
    dependencies = [("kols", "0001_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
