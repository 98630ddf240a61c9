"""Regions for home regions and audience shares: countries, provinces and cities.

Codes follow ISO 3166 (country) and ISO 3166-2 (province); a city inside a province gets a
third part (CN-GD-SZ is Shenzhen). Names are given in the three product languages.
"""

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Region:
    """A named place: its code, level and names in English, Vietnamese and Chinese."""

    code: str
    level: str  # country, province or city
    en: str
    vi: str
    zh: str

    def name(self, language: str | None = None) -> str:
        """The region's name in `language` (the active language by default)."""
        language = (language or get_language() or "en").lower()
        if language.startswith("vi"):
            return self.vi
        if language.startswith("zh"):
            return self.zh
        return self.en


_REGIONS = [
    Region("VN", "country", "Vietnam", "Việt Nam", "越南"),
    Region("VN-SG", "province", "Ho Chi Minh City", "TP. Hồ Chí Minh", "胡志明市"),
    Region("VN-HN", "province", "Hanoi", "Hà Nội", "河内"),
    Region("VN-DN", "province", "Da Nang", "Đà Nẵng", "岘港"),
    Region("VN-HP", "province", "Hai Phong", "Hải Phòng", "海防"),
    Region("VN-CT", "province", "Can Tho", "Cần Thơ", "芹苴"),
    Region("VN-KH", "province", "Khanh Hoa", "Khánh Hòa", "庆和"),
    Region("VN-DNA", "province", "Dong Nai", "Đồng Nai", "同奈"),
    Region("VN-BD", "province", "Binh Duong", "Bình Dương", "平阳"),
    Region("VN-QN", "province", "Quang Ninh", "Quảng Ninh", "广宁"),
    Region("VN-LD", "province", "Lam Dong", "Lâm Đồng", "林同"),
    Region("CN", "country", "China", "Trung Quốc", "中国"),
    Region("CN-BJ", "province", "Beijing", "Bắc Kinh", "北京"),
    Region("CN-SH", "province", "Shanghai", "Thượng Hải", "上海"),
    Region("CN-GD", "province", "Guangdong", "Quảng Đông", "广东"),
    Region("CN-GD-GZ", "city", "Guangzhou", "Quảng Châu", "广州"),
    Region("CN-GD-SZ", "city", "Shenzhen", "Thâm Quyến", "深圳"),
    Region("CN-ZJ", "province", "Zhejiang", "Chiết Giang", "浙江"),
    Region("CN-ZJ-HZ", "city", "Hangzhou", "Hàng Châu", "杭州"),
    Region("CN-JS", "province", "Jiangsu", "Giang Tô", "江苏"),
    Region("CN-SC", "province", "Sichuan", "Tứ Xuyên", "四川"),
    Region("CN-SC-CD", "city", "Chengdu", "Thành Đô", "成都"),
    Region("CN-CQ", "province", "Chongqing", "Trùng Khánh", "重庆"),
    Region("CN-HB", "province", "Hubei", "Hồ Bắc", "湖北"),
    Region("CN-FJ", "province", "Fujian", "Phúc Kiến", "福建"),
    Region("CN-SD", "province", "Shandong", "Sơn Đông", "山东"),
    Region("CN-GX", "province", "Guangxi", "Quảng Tây", "广西"),
    Region("CN-YN", "province", "Yunnan", "Vân Nam", "云南"),
    Region("HK", "country", "Hong Kong", "Hồng Kông", "香港"),
    Region("TW", "country", "Taiwan", "Đài Loan", "台湾"),
    Region("TH", "country", "Thailand", "Thái Lan", "泰国"),
    Region("SG", "country", "Singapore", "Singapore", "新加坡"),
    Region("MY", "country", "Malaysia", "Malaysia", "马来西亚"),
    Region("ID", "country", "Indonesia", "Indonesia", "印度尼西亚"),
    Region("PH", "country", "Philippines", "Philippines", "菲律宾"),
    Region("KR", "country", "South Korea", "Hàn Quốc", "韩国"),
    Region("JP", "country", "Japan", "Nhật Bản", "日本"),
    Region("US", "country", "United States", "Hoa Kỳ", "美国"),
    Region("GB", "country", "United Kingdom", "Vương quốc Anh", "英国"),
    Region("AU", "country", "Australia", "Úc", "澳大利亚"),
]

REGIONS: dict[str, Region] = {region.code: region for region in _REGIONS}


def region_choices(language: str | None = None) -> list[tuple[str, str]]:
    """`(code, name)` pairs for a select box, in catalogue order."""
    return [(r.code, r.name(language)) for r in _REGIONS]


def is_known_region(code: str) -> bool:
    """Whether `code` is in the catalogue."""
    return code in REGIONS


def country_of(code: str) -> str:
    """The country part of a region code ("VN-SG" → "VN")."""
    return code.split("-", 1)[0]
