"""Word pools and weights the demo-data generator draws from (plain data, no logic).

Weights are rough shares: Vietnamese family names follow their known frequencies (Nguyễn is
about 38 % of the population), Chinese ones the most common surnames. Platform mixes follow
DOMAIN.md §2 and the job description: TikTok / Facebook / YouTube / Instagram / Zalo in Vietnam,
Douyin / Xiaohongshu / Bilibili / Weibo / WeChat Channels / Kuaishou in China.
"""

# ---- markets -------------------------------------------------------------------------------
# market → share of KOLs. HK and TW KOLs write traditional Chinese.
MARKETS = {"VN": 58, "CN": 34, "HK": 4, "TW": 4}

HOME_REGIONS = {
    "VN": {
        "VN-SG": 40,
        "VN-HN": 35,
        "VN-DN": 6,
        "VN-HP": 4,
        "VN-CT": 4,
        "VN-BD": 3,
        "VN-KH": 2,
        "VN-DNA": 2,
        "VN-QN": 2,
        "VN-LD": 2,
    },
    "CN": {
        "CN-GD-SZ": 9,
        "CN-GD-GZ": 8,
        "CN-GD": 4,
        "CN-SH": 14,
        "CN-BJ": 13,
        "CN-ZJ-HZ": 10,
        "CN-ZJ": 3,
        "CN-SC-CD": 9,
        "CN-CQ": 5,
        "CN-JS": 7,
        "CN-HB": 5,
        "CN-FJ": 4,
        "CN-SD": 4,
        "CN-GX": 2,
        "CN-YN": 3,
    },
    "HK": {"HK": 1},
    "TW": {"TW": 1},
}

# Platform of a KOL's accounts, by market (primary first when sampled without replacement).
PLATFORMS = {
    "VN": {"tiktok": 35, "facebook": 28, "youtube": 15, "instagram": 12, "zalo": 6, "review_site": 4},
    "CN": {
        "douyin": 30,
        "xiaohongshu": 28,
        "bilibili": 12,
        "weibo": 12,
        "wechat_channels": 10,
        "kuaishou": 8,
    },
    "HK": {"instagram": 35, "youtube": 25, "facebook": 20, "xiaohongshu": 10, "weibo": 5, "tiktok": 5},
    "TW": {"instagram": 30, "youtube": 25, "facebook": 25, "tiktok": 10, "xiaohongshu": 5, "bilibili": 5},
}
CHINESE_PLATFORMS = frozenset({"douyin", "xiaohongshu", "bilibili", "weibo", "wechat_channels", "kuaishou"})

# ---- Vietnamese names ----------------------------------------------------------------------
VN_FAMILY = {
    "Nguyễn": 38,
    "Trần": 11,
    "Lê": 9.5,
    "Phạm": 7,
    "Hoàng": 4,
    "Huỳnh": 2,
    "Phan": 4.5,
    "Vũ": 3.9,
    "Võ": 2.5,
    "Đặng": 2.1,
    "Bùi": 2,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1,
    "Lý": 0.5,
    "Trương": 0.6,
    "Đinh": 0.6,
    "Lâm": 0.5,
    "Mai": 0.4,
    "Cao": 0.4,
    "Hà": 0.4,
    "Lưu": 0.3,
    "Tạ": 0.2,
}
VN_MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hoài", "Khánh", "Bảo", "Mỹ", "Diệu", "Quỳnh"]
VN_MIDDLE_M = ["Văn", "Minh", "Đức", "Quốc", "Hoàng", "Thanh", "Hữu", "Gia", "Anh", "Công", "Tuấn", "Xuân"]
VN_GIVEN_F = [
    "Linh", "Trang", "Hương", "Lan", "Hoa", "Mai", "Ngọc", "Thảo", "Vy", "Anh", "Hà", "Nhung",
    "Phương", "Trinh", "Hằng", "Yến", "Nhi", "Chi", "My", "Trâm", "Quyên", "Hạnh", "Thủy",
    "Giang", "Ly", "Uyên", "Hân", "Tiên", "Diễm", "Loan", "Ngân", "Thư",
]  # fmt: skip
VN_GIVEN_M = [
    "Hùng", "Dũng", "Nam", "Tuấn", "Minh", "Huy", "Khoa", "Long", "Phúc", "Quân", "Sơn", "Thắng",
    "Trung", "Việt", "Bảo", "Khang", "Đạt", "Hải", "Hiếu", "Tùng", "Vinh", "Lộc", "Thịnh", "Duy",
    "Kiên", "Phong",
]  # fmt: skip

# Channel-style display names by category; {g} is a given name.
VN_NICK_TEMPLATES = {
    "beauty": ["{g} Beauty", "{g} Makeup", "Son Môi Của {g}", "{g} Skincare"],
    "food": ["{g} Ăn Gì", "Bếp Nhà {g}", "{g} Food Tour", "Ẩm Thực Cùng {g}"],
    "travel": ["{g} Đi Đâu", "{g} Travel", "Xách Ba Lô Cùng {g}"],
    "tech": ["{g} Review Công Nghệ", "{g} Tech", "Góc Công Nghệ {g}"],
    "family": ["Mẹ Bỉm {g}", "Nhà {g} Vui Vẻ", "{g} Và Các Con"],
    "fashion": ["{g} Mặc Gì", "{g} Outfit", "Tủ Đồ Của {g}"],
    "gaming": ["{g} Gaming", "{g} TV", "{g} Chơi Game"],
    "fitness": ["{g} Gym", "{g} Fit", "Khỏe Cùng {g}"],
    "finance": ["{g} Đầu Tư", "{g} Tài Chính", "Tiền Và {g}"],
    "pets": ["Hoàng Thượng Nhà {g}", "{g} Và Boss"],
    "*": ["{g} Vlog", "{g} Official", "Hội Nhà {g}", "{g} Review", "Chuyện Của {g}"],
}
# Handle stems by category, joined to the folded given name ("linh" + "beauty").
HANDLE_TOPICS = {
    "beauty": ["beauty", "makeup", "skincare", "glow"],
    "food": ["food", "angi", "kitchen", "foodtour", "eat"],
    "travel": ["travel", "didau", "trip"],
    "tech": ["tech", "review", "gadget"],
    "family": ["mom", "family", "kids"],
    "fashion": ["style", "outfit", "ootd"],
    "gaming": ["gaming", "tv", "play"],
    "fitness": ["fit", "gym", "run"],
    "finance": ["money", "invest", "finance"],
    "*": ["vlog", "official", "daily", "channel", "review", "life"],
}

# ---- Chinese names -------------------------------------------------------------------------
CN_FAMILY = {
    "王": 7.1, "李": 7.0, "张": 6.8, "刘": 5.4, "陈": 4.5, "杨": 3.1, "赵": 2.3, "黄": 2.2,
    "周": 2.1, "吴": 2.0, "徐": 1.7, "孙": 1.5, "胡": 1.3, "朱": 1.3, "高": 1.2, "林": 1.2,
    "何": 1.2, "郭": 1.1, "马": 1.1, "罗": 0.9, "梁": 0.8, "宋": 0.8, "郑": 0.8, "谢": 0.7,
    "韩": 0.6, "唐": 0.6, "冯": 0.6, "于": 0.6, "董": 0.5, "萧": 0.4,
}  # fmt: skip
CN_GIVEN_F = [
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "桂英", "小红", "子涵", "欣怡",
    "梓萱", "雨桐", "佳琪", "一诺", "若曦", "嘉怡", "诗涵", "梦洁", "晨曦", "婷婷", "思琪",
]  # fmt: skip
CN_GIVEN_M = [
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "晓明", "浩然",
    "宇轩", "思远", "俊杰", "天宇", "子豪", "博文", "志强", "建华",
]  # fmt: skip
# Nickname templates by category; {n} is a short nickname (小红, 阿杰, 婷婷).
CN_NICK_TEMPLATES = {
    "beauty": ["{n}的美妆日记", "{n}爱化妆", "护肤达人{n}", "{n}测评"],
    "food": ["吃货{n}", "{n}美食记", "{n}的厨房", "跟着{n}去探店"],
    "travel": ["{n}的旅行日记", "{n}去旅行", "背包客{n}"],
    "tech": ["数码{n}", "{n}聊科技", "{n}的开箱"],
    "family": ["{n}妈妈育儿经", "{n}家的宝贝", "{n}带娃日常"],
    "fashion": ["{n}爱穿搭", "{n}的衣橱", "穿搭博主{n}"],
    "gaming": ["{n}游戏解说", "{n}打游戏", "电竞{n}"],
    "fitness": ["{n}健身打卡", "{n}的瑜伽课", "跑者{n}"],
    "finance": ["{n}聊理财", "{n}说财经"],
    "pets": ["{n}家的猫", "铲屎官{n}"],
    "*": ["{n}的日常", "{n}的小屋", "{n}vlog", "是{n}呀", "{n}分享"],
}
# Romanised surnames and English first names that HK and TW creators use on Western platforms.
HK_ROMAN = {
    "陈": "Chan",
    "黄": "Wong",
    "李": "Lee",
    "张": "Cheung",
    "刘": "Lau",
    "吴": "Ng",
    "何": "Ho",
    "梁": "Leung",
}
TW_ROMAN = {
    "陈": "Chen",
    "林": "Lin",
    "黄": "Huang",
    "张": "Chang",
    "李": "Li",
    "王": "Wang",
    "吴": "Wu",
    "刘": "Liu",
}
EN_GIVEN_F = ["Kelly", "Joey", "Vivian", "Cherry", "Mandy", "Coco", "Iris", "Fiona", "Yuki", "Ivy"]
EN_GIVEN_M = ["Jason", "Kevin", "Eric", "Ryan", "Alan", "Jack", "Ken", "Leo", "Marco", "Sam"]

# ---- categories, types, tags ---------------------------------------------------------------
# Category slugs of migration 0002 with their share of creators.
CATEGORIES = {
    "beauty": 16, "food": 14, "lifestyle": 12, "fashion": 10, "travel": 7, "family": 7,
    "tech": 6, "entertainment": 6, "gaming": 5, "health": 4, "fitness": 4, "education": 3,
    "finance": 3, "home": 3, "music": 3, "pets": 2, "automotive": 2, "real_estate": 1,
}  # fmt: skip
# Mean female share of the audience (percent) by primary category.
FEMALE_SHARE = {
    "beauty": 85, "fashion": 78, "family": 80, "food": 60, "lifestyle": 66, "travel": 58,
    "health": 62, "fitness": 48, "tech": 25, "gaming": 22, "automotive": 18, "finance": 38,
    "real_estate": 40, "education": 55, "entertainment": 55, "pets": 66, "home": 68, "music": 52,
}  # fmt: skip
EXPERT_CATEGORIES = frozenset({"health", "finance", "education", "tech", "real_estate"})

TAGS = {
    "VN": ["skincare", "review", "livestream", "mẹ bỉm sữa", "genz", "giá rẻ", "unboxing",
           "food tour", "Sài Gòn", "Hà Nội", "chăm sóc da", "đã hợp tác"],
    "CN": ["种草", "平价好物", "学生党", "直播带货", "测评", "探店", "母婴", "已合作", "高性价比",
           "review", "livestream"],
}  # fmt: skip

AGENCIES = {
    "VN": [
        "Sao Việt Media",
        "Kim Cương Entertainment",
        "Vươn Lên Network",
        "MCN Ánh Dương",
        "Mây Xanh Studio",
    ],
    "CN": ["星河文化传媒", "青柠MCN", "蓝鲸互娱", "橙子星球传媒", "云帆网络"],
}

NOTES = {
    "VN": [
        "Chuyên nội dung {cat}, phản hồi nhanh qua Zalo.",
        "Nhận booking qua quản lý, báo giá đã gồm VAT.",
        "Nội dung hài hước, hợp khán giả trẻ.",
        "Từng hợp tác với nhiều thương hiệu {cat}.",
        "Quay dựng chỉn chu, cần brief trước 1 tuần.",
        "",
    ],
    "CN": [
        "擅长{cat}内容，配合度高。",
        "报价含税，需提前两周预约。",
        "粉丝粘性强，评论区互动好。",
        "合作过多个{cat}品牌，数据稳定。",
        "",
    ],
}
PAUSE_NOTES = {"VN": "Tạm dừng nhận booking đến hết quý.", "CN": "本季度暂停接单。"}
BLACKLIST_REASONS = {
    "VN": [
        ("Vi phạm hợp đồng: đăng bài trễ hai lần, không phản hồi.", "missed_deadlines"),
        ("Lùm xùm phát ngôn gây tranh cãi trên mạng xã hội.", "controversy"),
        ("Nghi mua tương tác ảo, lượt theo dõi tăng đột biến.", "fake_followers"),
        ("Nhận quảng cáo cho đối thủ trong thời gian độc quyền.", "competitor"),
    ],
    "CN": [
        ("多次拖稿且未按brief修改。", "missed_deadlines"),
        ("涉及虚假宣传被品牌投诉。", "legal"),
        ("疑似刷粉刷量，数据异常。", "fake_followers"),
        ("独家期内为竞品发布广告。", "competitor"),
    ],
}
RISK_FLAGS = ["fake_followers", "controversy", "legal", "missed_deadlines", "off_brief", "competitor"]

CONTACT_SUMMARIES = {
    "VN": [
        "Gửi brief chiến dịch, KOL hẹn phản hồi trong 2 ngày.",
        "Đàm phán giá: giảm 10% nếu đặt 3 video.",
        "Đã gửi hợp đồng, chờ ký.",
        "Hỏi lịch trống tháng sau cho chiến dịch Tết.",
        "Quản lý gửi báo giá mới và số liệu khán giả.",
    ],
    "CN": [
        "已发送brief，对方两天内回复。",
        "议价：三条视频可打九折。",
        "合同已发送，等待签署。",
        "询问下月档期，准备618活动。",
        "经纪人发来新报价和粉丝画像。",
    ],
}

# ---- audiences -----------------------------------------------------------------------------
# Age profile (percent, buckets 13–17 … 55+) by platform.
AGE_PROFILES = {
    "tiktok": [10, 38, 30, 13, 6, 3],
    "douyin": [8, 34, 32, 15, 7, 4],
    "kuaishou": [7, 28, 32, 18, 10, 5],
    "facebook": [3, 20, 35, 24, 12, 6],
    "youtube": [7, 28, 32, 18, 10, 5],
    "instagram": [5, 40, 35, 13, 5, 2],
    "xiaohongshu": [4, 42, 38, 11, 4, 1],
    "bilibili": [12, 50, 28, 7, 2, 1],
    "weibo": [5, 35, 35, 15, 7, 3],
    "wechat_channels": [2, 12, 28, 27, 18, 13],
    "zalo": [2, 15, 33, 27, 15, 8],
    "review_site": [3, 25, 38, 20, 10, 4],
}
# Where a market's audience lives: province weights (cities are parts of their province).
AUDIENCE_PROVINCES = {
    "VN": {
        "VN-SG": 34, "VN-HN": 30, "VN-DN": 6, "VN-HP": 4, "VN-CT": 4, "VN-BD": 4, "VN-DNA": 4,
        "VN-KH": 3, "VN-QN": 3, "VN-LD": 2,
    },
    "CN": {
        "CN-GD": 15, "CN-ZJ": 9, "CN-JS": 9, "CN-SH": 8, "CN-BJ": 7, "CN-SC": 7, "CN-SD": 7,
        "CN-FJ": 5, "CN-HB": 5, "CN-CQ": 4, "CN-GX": 3, "CN-YN": 3,
    },
}  # fmt: skip
# City → (its province, its usual part of the province's audience, low–high).
AUDIENCE_CITIES = {
    "CN-GD-SZ": ("CN-GD", 0.30, 0.45),
    "CN-GD-GZ": ("CN-GD", 0.25, 0.40),
    "CN-ZJ-HZ": ("CN-ZJ", 0.40, 0.55),
    "CN-SC-CD": ("CN-SC", 0.50, 0.65),
}
# Countries besides the home market that hold part of an audience.
FOREIGN_AUDIENCE = {
    "VN": ["US", "KR", "JP", "AU", "SG"],
    "CN": ["HK", "TW", "SG", "MY", "US"],
    "HK": ["CN", "TW", "SG", "MY"],
    "TW": ["HK", "CN", "US", "JP"],
}

# ---- platform behaviour --------------------------------------------------------------------
# ER multiplier by platform (TikTok highest, Facebook lowest; DOMAIN §2), and views/followers.
ER_FACTOR = {
    "tiktok": 1.8, "douyin": 1.6, "kuaishou": 1.5, "xiaohongshu": 1.2, "bilibili": 1.1,
    "youtube": 0.9, "instagram": 0.8, "wechat_channels": 0.8, "zalo": 0.6, "review_site": 0.5,
    "weibo": 0.4, "facebook": 0.35,
}  # fmt: skip
VIEW_RATIO = {
    "tiktok": 0.16, "douyin": 0.15, "kuaishou": 0.12, "bilibili": 0.12, "youtube": 0.10,
    "zalo": 0.10, "wechat_channels": 0.10, "instagram": 0.08, "xiaohongshu": 0.08,
    "facebook": 0.05, "weibo": 0.03, "review_site": 0.04,
}  # fmt: skip
# Deliverables a platform sells, with their price relative to a short video.
DELIVERABLES = {
    "tiktok": {"short_video": 1.0, "livestream_hour": 1.6, "usage_rights": 0.5},
    "douyin": {"short_video": 1.0, "livestream_hour": 1.6, "usage_rights": 0.5},
    "kuaishou": {"short_video": 1.0, "livestream_hour": 1.5},
    "facebook": {"post": 0.7, "short_video": 1.0, "livestream_hour": 1.4},
    "youtube": {"long_video": 2.0, "short_video": 0.8, "usage_rights": 0.6},
    "bilibili": {"long_video": 1.8, "short_video": 0.9},
    "instagram": {"post": 0.8, "story": 0.35, "short_video": 1.0},
    "xiaohongshu": {"post": 0.8, "short_video": 1.15},
    "weibo": {"post": 0.6, "short_video": 0.9},
    "wechat_channels": {"short_video": 1.0, "livestream_hour": 1.5},
    "zalo": {"post": 0.5},
    "review_site": {"post": 0.9, "event": 2.5},
}
# Currency a market prices in. HK and TW are quoted in USD (no HKD/TWD in the product).
MARKET_CURRENCY = {"VN": "VND", "CN": "CNY", "HK": "USD", "TW": "USD"}
