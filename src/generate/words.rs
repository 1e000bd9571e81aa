//! Vietnamese words the generator builds names, places and sentences from:
//! real family names with their rough frequencies, middle and given names,
//! place-name syllables and the stock phrases of provincial news writing.

/// Family names (họ) with rough weights: Nguyễn is about four in ten.
pub const SURNAMES: &[(&str, u32)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 45),
    ("Huỳnh", 25),
    ("Phan", 45),
    ("Vũ", 40),
    ("Võ", 30),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 8),
    ("Trịnh", 6),
    ("Đào", 6),
    ("Lương", 5),
    ("Mai", 4),
    ("Tạ", 3),
    ("Hà", 5),
    ("Lại", 2),
    ("Cao", 4),
    ("Lưu", 3),
    ("Tô", 2),
    ("Châu", 2),
    ("Quách", 2),
    ("Thái", 2),
    ("Triệu", 2),
    ("Kiều", 2),
    ("Đoàn", 5),
    ("Vương", 2),
    ("Khổng", 1),
    ("Lâm", 3),
    ("Chu", 2),
    ("Tăng", 1),
];

pub const MALE_MIDDLE: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc", "Xuân", "Công", "Mạnh",
    "Đình", "Trọng", "Tiến", "Quốc", "Anh", "Hoàng", "Duy", "Việt", "Bá", "Khắc", "Thế", "Gia",
    "Huy", "Tuấn", "Kim", "Trung", "Hồng", "Thành", "Như", "Phú",
];

pub const FEMALE_MIDDLE: &[&str] = &[
    "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Minh", "Thúy", "Phương", "Bích",
    "Mai", "Hoài", "Diệu", "Khánh", "Lan", "Quỳnh", "Thảo", "Tường", "Hải", "Mỹ", "Vân", "Hà",
];

pub const MALE_GIVEN: &[&str] = &[
    "Đức", "Hùng", "Dũng", "Tuấn", "Nam", "Trung", "Hải", "Long", "Sơn", "Thắng", "Bình", "Cường",
    "Khôi", "Lâm", "Phong", "Quân", "Tài", "Việt", "Hòa", "Hiếu", "Huy", "Khánh", "Kiên", "Lợi",
    "Lực", "Mạnh", "Minh", "Nghĩa", "Phúc", "Quang", "Tâm", "Thành", "Thịnh", "Toàn", "Trí",
    "Tùng", "Vinh", "Vũ", "Hưng", "Đạt", "Định", "Giang", "Hoàn", "Lộc", "Ninh", "Tú", "Hào",
    "Chiến", "Thuận", "Hậu", "Bảo", "An", "Công", "Duy", "Hoàng", "Kiệt", "Luân", "Nhân", "Phát",
    "Sang", "Tân", "Thái", "Thọ", "Tiến", "Trọng", "Tuệ", "Vĩnh", "Lý", "Khoa", "Điền",
];

pub const FEMALE_GIVEN: &[&str] = &[
    "Lan", "Hương", "Thúy", "Hoa", "Mai", "Linh", "Ngọc", "Hạnh", "Trang", "Huyền", "Nga", "Yến",
    "Thảo", "Phương", "Hòa", "Hà", "Hằng", "Hiền", "Hồng", "Loan", "Ly", "Nhung", "Oanh", "Quỳnh",
    "Tâm", "Thanh", "Thủy", "Trâm", "Uyên", "Vân", "Xuân", "Dung", "Duyên", "Giang", "Hân", "Hoài",
    "Liên", "Nhàn", "Nhi", "Thơ", "Trinh", "Tuyết", "Vy", "Anh", "Chi", "Diệp", "Khuê", "My",
    "Ngân", "Thư", "Hiên", "Lệ", "Thắm", "Diễm",
];

/// First syllables of place names.
pub const PLACE_FIRST: &[&str] = &[
    "Yên", "Tân", "Phú", "Hòa", "Bình", "An", "Thanh", "Vĩnh", "Quang", "Đông", "Tây", "Nam",
    "Bắc", "Hưng", "Thạch", "Cẩm", "Kim", "Ngọc", "Đức", "Long", "Hồng", "Minh", "Trung", "Hải",
    "Sơn", "Lạc", "Xuân", "Thuận", "Phước", "Mỹ", "Tiên", "Đại", "Hoài", "Quỳnh", "Diễn", "Nghĩa",
    "Thiệu", "Hương", "Cam", "Lâm", "Ea", "Krông", "Bảo", "Triệu", "Gia", "Vạn", "Thọ", "Quế",
];

/// Second syllables of place names.
pub const PLACE_SECOND: &[&str] = &[
    "Bình", "Lập", "Phong", "Thịnh", "Hòa", "Thành", "Lộc", "Phú", "Sơn", "Hà", "Giang", "Khê",
    "Lạc", "Mỹ", "Ninh", "Trạch", "Thủy", "Yên", "Xá", "Tiến", "Hưng", "Long", "An", "Định",
    "Dương", "Châu", "Điền", "Hải", "Quang", "Trung", "Linh", "Lâm", "Tân", "Thuận", "Đồng",
    "Phước", "Nguyên", "Khánh",
];

/// Newsroom desks a reporter belongs to.
pub const DESKS: &[&str] = &[
    "Ban Thời sự",
    "Ban Kinh tế - Xã hội",
    "Ban Văn hóa - Xã hội",
    "Ban Nội chính - Pháp luật",
    "Ban Thể thao",
    "Ban Điện tử",
    "Ban Bạn đọc",
];

/// Common openers of a sentence (slots are expanded).
pub const OPENERS: &[&str] = &[
    "Thời gian qua, ",
    "Năm {year}, ",
    "Theo báo cáo của {org}, ",
    "Bên cạnh đó, ",
    "Ngoài ra, ",
    "Đặc biệt, ",
    "Tuy nhiên, ",
    "Từ đầu năm đến nay, ",
    "Trong thời gian tới, ",
    "Thực hiện chỉ đạo của {org2}, ",
    "Cũng theo {org}, ",
    "Nhờ đó, ",
    "Trong {n} tháng đầu năm {year}, ",
    "Trên cơ sở đó, ",
    "Qua đó, ",
    "Theo {who_short}, ",
    "Tại {district}, ",
    "Giai đoạn {term0}, ",
    "Để đạt được mục tiêu trên, ",
    "Cùng với đó, ",
    "Thực tế cho thấy, ",
    "Đáng chú ý, ",
];

/// Who does things in a sentence.
pub const SUBJECTS: &[&str] = &[
    "các cấp, các ngành",
    "chính quyền địa phương",
    "{org}",
    "{org}",
    "{district}",
    "các địa phương trong tỉnh",
    "các ngành chức năng",
    "đội ngũ cán bộ, công chức",
    "Mặt trận Tổ quốc và các đoàn thể",
    "các cơ quan, đơn vị",
    "cấp ủy, chính quyền các cấp",
    "người dân {commune}",
    "nhiều doanh nghiệp trên địa bàn",
    "{org2}",
    "cán bộ, đảng viên",
];

/// Whole clauses in the voice of a report; `{topic}` is the article's theme.
pub const CLAUSES: &[&str] = &[
    "{subject} đã tập trung triển khai đồng bộ nhiều giải pháp về {topic}",
    "{subject} tiếp tục đẩy mạnh {topic}, gắn với {gtopic}",
    "{topic} được {subject} quan tâm chỉ đạo sát sao",
    "{subject} chủ động phối hợp với các sở, ngành liên quan tháo gỡ khó khăn, vướng mắc trong {topic}",
    "nhiều mô hình hay, cách làm hiệu quả trong {topic} được nhân rộng",
    "{topic} có nhiều chuyển biến tích cực, tạo sự đồng thuận cao trong nhân dân",
    "{subject} tích cực tuyên truyền, vận động người dân tham gia {topic}",
    "việc triển khai {topic} vẫn còn một số hạn chế, nhất là ở cơ sở",
    "nguồn lực đầu tư cho {topic} còn hạn chế, chưa đáp ứng yêu cầu thực tiễn",
    "{subject} cần tiếp tục nâng cao nhận thức, trách nhiệm trong {topic}",
    "{org} đã ban hành {n} văn bản chỉ đạo, hướng dẫn về {topic}",
    "{subject} đã tổ chức {nn} lớp tập huấn cho hơn {nnn} lượt cán bộ, hội viên",
    "tổng kinh phí thực hiện {topic} đạt hơn {bn} tỷ đồng, trong đó vốn xã hội hóa chiếm {p}%",
    "đến nay, {p}% số xã trên địa bàn đã hoàn thành các chỉ tiêu về {topic}",
    "{subject} phấn đấu hoàn thành các mục tiêu về {topic} trước ngày 31/12/{year}",
    "{subject} đã kiểm tra, giám sát {nn} cơ quan, đơn vị về {topic}",
    "công tác phối hợp giữa {org} và {org2} ngày càng chặt chẽ, hiệu quả",
    "{subject} đã giải quyết dứt điểm nhiều kiến nghị chính đáng của người dân",
    "tỷ lệ hài lòng của người dân đối với {topic} đạt {hp}%",
    "một số chỉ tiêu về {topic} chưa đạt kế hoạch đề ra",
    "{subject} đề xuất nhiều giải pháp thiết thực nhằm nâng cao hiệu quả {topic}",
    "{topic} là nhiệm vụ trọng tâm, xuyên suốt của {org}",
    "{subject} sẽ tiếp tục rà soát, bổ sung các cơ chế, chính sách phù hợp",
    "hơn {nnn} lượt người dân đã được tuyên truyền, phổ biến về {topic}",
    "{subject} huy động được {bn} tỷ đồng để thực hiện {gtopic}",
    "nhiều khó khăn, vướng mắc về mặt bằng, nguồn vốn đã từng bước được tháo gỡ",
];

/// Tails that round off a clause.
pub const COMPLEMENTS: &[&str] = &[
    "góp phần nâng cao đời sống vật chất, tinh thần của nhân dân",
    "tạo chuyển biến rõ nét ở cơ sở",
    "đáp ứng yêu cầu nhiệm vụ trong tình hình mới",
    "bảo đảm đúng tiến độ, chất lượng",
    "được nhân dân đồng tình, hưởng ứng",
    "góp phần thực hiện thắng lợi nghị quyết Đại hội Đảng bộ tỉnh",
    "phát huy sức mạnh khối đại đoàn kết toàn dân tộc",
    "theo đúng kế hoạch đề ra",
    "tạo động lực cho phát triển kinh tế - xã hội của địa phương",
    "với tinh thần quyết liệt, trách nhiệm",
    "bảo đảm công khai, minh bạch",
    "nhất là ở vùng sâu, vùng xa",
    "trên địa bàn tỉnh",
    "trong những tháng cuối năm",
];

/// What a leader says, after "đồng chí X, Y".
pub const SPEECH: &[&str] = &[
    "ghi nhận, biểu dương những kết quả mà {subject} đã đạt được",
    "đề nghị {subject} tiếp tục quan tâm hơn nữa đến {topic}",
    "yêu cầu {subject} khẩn trương khắc phục những hạn chế, tồn tại",
    "nhấn mạnh {topic} là nhiệm vụ quan trọng, cần sự vào cuộc của cả hệ thống chính trị",
    "đề nghị {org} phối hợp chặt chẽ với {org2} trong thời gian tới",
    "cho biết, {clause}",
    "chia sẻ, {clause}",
    "khẳng định sẽ tiếp tục đồng hành cùng {subject} trong {topic}",
    "lưu ý {subject} cần bám sát cơ sở, lắng nghe ý kiến của nhân dân",
    "đánh giá cao tinh thần chủ động, sáng tạo của {subject}",
];

/// How a quote is introduced: `{quote}` is the quoted sentence.
pub const QUOTE_FRAMES: &[&str] = &[
    "“{quote}”, {who_short} nhấn mạnh.",
    "“{quote}”, {who_short} chia sẻ.",
    "“{quote}”, {who_short} cho biết.",
    "Theo {who}, “{quote}”.",
    "{who} bày tỏ: “{quote}”.",
];

/// What people say in quotes.
pub const QUOTES: &[&str] = &[
    "Chúng tôi xác định {topic} là nhiệm vụ trọng tâm, phải làm thường xuyên, liên tục",
    "Mỗi cán bộ, đảng viên phải gương mẫu, nói đi đôi với làm",
    "Khó khăn còn nhiều nhưng chúng tôi quyết tâm hoàn thành kế hoạch năm {year}",
    "Người dân rất phấn khởi vì được bàn bạc, quyết định những việc thiết thực",
    "Thời gian tới, địa phương sẽ tiếp tục huy động mọi nguồn lực cho {topic}",
    "Nhờ được hỗ trợ kịp thời, gia đình tôi đã ổn định cuộc sống",
    "Chúng tôi mong muốn các cấp, các ngành tiếp tục quan tâm, tạo điều kiện",
    "Cái được lớn nhất là sự đồng thuận của nhân dân",
    "Không có việc gì khó nếu cán bộ sát dân, hiểu dân và vì dân",
    "Đây là kết quả của cả một quá trình nỗ lực bền bỉ của {subject}",
    "Chúng tôi sẽ rà soát từng việc, từng chỉ tiêu để có giải pháp phù hợp",
    "Việc gì có lợi cho dân thì phải hết sức làm",
];

/// Words of a gathering: "phát biểu tại {gathering}".
pub const GATHERINGS: &[&str] = &[
    "hội nghị",
    "buổi làm việc",
    "buổi lễ",
    "phiên họp",
    "hội thảo",
    "buổi tiếp xúc",
    "lễ phát động",
    "buổi gặp mặt",
];

/// Verb phrases that open a list item.
pub const LIST_VERBS: &[&str] = &[
    "Tăng cường",
    "Đẩy mạnh",
    "Nâng cao chất lượng",
    "Tiếp tục thực hiện hiệu quả",
    "Rà soát, hoàn thiện cơ chế về",
    "Huy động mọi nguồn lực cho",
    "Đổi mới phương thức",
    "Kiện toàn bộ máy làm",
    "Tập trung chỉ đạo",
    "Làm tốt công tác tuyên truyền về",
];

/// Generic headings inside a body.
pub const HEADINGS: &[&str] = &[
    "Nhiều chuyển biến tích cực",
    "Phát huy vai trò của người dân",
    "Giải pháp trong thời gian tới",
    "Tháo gỡ khó khăn từ cơ sở",
    "Những con số ấn tượng",
    "Còn nhiều việc phải làm",
    "Cách làm sáng tạo",
    "Quyết tâm về đích",
    "Hiệu quả từ sự đồng thuận",
    "Kỳ vọng mới",
];

/// Generic captions (the theme's come first).
pub const CAPTIONS: &[&str] = &[
    "Đồng chí {pname} - {ptitle} phát biểu tại {gathering}.",
    "Toàn cảnh {event}.",
    "Các đại biểu dự {event}.",
    "Lãnh đạo {org} trao quà cho các hộ gia đình khó khăn.",
    "Các đại biểu tham quan mô hình tại {commune}.",
    "Quang cảnh {gathering} tại {district}.",
    "Đại diện {org} báo cáo kết quả thực hiện nhiệm vụ.",
    "Lãnh đạo {org} trao giấy khen cho các tập thể, cá nhân tiêu biểu.",
    "Một góc {commune} hôm nay.",
];

/// Where an event takes place.
pub const LOCATIONS: &[&str] = &[
    "Hội trường Tỉnh ủy",
    "Trung tâm Hội nghị tỉnh",
    "Hội trường UBND tỉnh",
    "Nhà văn hóa {commune}, {district}",
    "Trung tâm Văn hóa - Thể thao {district}",
    "Hội trường UBND {district}",
    "Quảng trường trung tâm tỉnh",
    "Sân vận động tỉnh",
    "{commune}, {district}",
];

/// Times of day used in leads ("Sáng 12/3, …").
pub fn part_of_day(hour: u32) -> &'static str {
    match hour {
        5..=10 => "Sáng",
        11..=12 => "Trưa",
        13..=17 => "Chiều",
        18..=23 => "Tối",
        _ => "Ngày",
    }
}
