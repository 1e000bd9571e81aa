//! The province's institutions every archive has: the kinds of
//! organization, the thirty provincial organizations (with indexes for the
//! ones the generator names), the host of each theme's events, and the
//! titles of each kind of organization.

/// The organization kinds, as stored in `organization.kind`.
pub const PARTY: &str = "PARTY_COMMITTEE";
pub const PEOPLES: &str = "PEOPLES_COMMITTEE";
pub const COUNCIL: &str = "PEOPLES_COUNCIL";
pub const DEPARTMENT: &str = "DEPARTMENT";
pub const MASS: &str = "MASS_ORGANIZATION";
pub const COMPANY: &str = "COMPANY";
pub const SCHOOL: &str = "SCHOOL";
pub const HOSPITAL: &str = "HOSPITAL";
pub const ARMED: &str = "ARMED_FORCES";
pub const OTHER: &str = "OTHER";

/// The provincial organizations every archive has: name, short name, kind,
/// parent (index in this list) and description.
type Fixed = (
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<usize>,
    &'static str,
);

/// Indexes in [`FIXED`] of the organizations the generator names.
pub const TINH_UY: usize = 0;
pub const UBND_TINH: usize = 1;
pub const MTTQ: usize = 3;
pub const CONG_AN: usize = 4;
pub const BCHQS: usize = 5;
pub const NEWSROOM: usize = 9;
pub const SO_GD: usize = 13;
pub const SO_YTE: usize = 14;
pub const HOI_ND: usize = 20;
pub const HOI_PN: usize = 21;
pub const TINH_DOAN: usize = 22;
pub const HOI_CCB: usize = 23;
pub const LMHTX: usize = 29;

pub const FIXED: [Fixed; 30] = [
    (
        "Tỉnh ủy",
        Some("TU"),
        PARTY,
        None,
        "Ban Chấp hành Đảng bộ tỉnh, cơ quan lãnh đạo của Đảng bộ tỉnh giữa hai kỳ đại hội.",
    ),
    (
        "UBND tỉnh",
        Some("UBND tỉnh"),
        PEOPLES,
        None,
        "Ủy ban nhân dân tỉnh, cơ quan hành chính nhà nước ở địa phương.",
    ),
    (
        "HĐND tỉnh",
        Some("HĐND tỉnh"),
        COUNCIL,
        None,
        "Hội đồng nhân dân tỉnh, cơ quan quyền lực nhà nước ở địa phương.",
    ),
    (
        "Ủy ban MTTQ Việt Nam tỉnh",
        Some("MTTQ tỉnh"),
        MASS,
        None,
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh.",
    ),
    (
        "Công an tỉnh",
        None,
        ARMED,
        None,
        "Cơ quan bảo đảm an ninh, trật tự trên địa bàn tỉnh.",
    ),
    (
        "Bộ Chỉ huy Quân sự tỉnh",
        Some("Bộ CHQS tỉnh"),
        ARMED,
        None,
        "Cơ quan quân sự địa phương cấp tỉnh.",
    ),
    (
        "Ban Tổ chức Tỉnh ủy",
        Some("BTC Tỉnh ủy"),
        PARTY,
        Some(TINH_UY),
        "Cơ quan tham mưu, giúp việc của Tỉnh ủy về công tác tổ chức, cán bộ.",
    ),
    (
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        Some("BTG&DV Tỉnh ủy"),
        PARTY,
        Some(TINH_UY),
        "Cơ quan tham mưu, giúp việc của Tỉnh ủy về công tác tuyên giáo và dân vận.",
    ),
    (
        "Ủy ban Kiểm tra Tỉnh ủy",
        Some("UBKT Tỉnh ủy"),
        PARTY,
        Some(TINH_UY),
        "Cơ quan kiểm tra của Đảng bộ tỉnh.",
    ),
    (
        "Báo và Phát thanh, Truyền hình tỉnh",
        Some("Báo tỉnh"),
        OTHER,
        Some(TINH_UY),
        "Cơ quan báo chí của Đảng bộ, chính quyền và nhân dân tỉnh.",
    ),
    (
        "Sở Nội vụ",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về tổ chức bộ máy, công chức, lao động.",
    ),
    (
        "Sở Tài chính",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về tài chính, kế hoạch và đầu tư.",
    ),
    (
        "Sở Nông nghiệp và Môi trường",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về nông nghiệp, tài nguyên và môi trường.",
    ),
    (
        "Sở Giáo dục và Đào tạo",
        Some("Sở GD&ĐT"),
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về giáo dục và đào tạo.",
    ),
    (
        "Sở Y tế",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về y tế.",
    ),
    (
        "Sở Xây dựng",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về xây dựng và giao thông.",
    ),
    (
        "Sở Công Thương",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về công nghiệp và thương mại.",
    ),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        Some("Sở VH-TT&DL"),
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về văn hóa, thể thao và du lịch.",
    ),
    (
        "Sở Khoa học và Công nghệ",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về khoa học, công nghệ và chuyển đổi số.",
    ),
    (
        "Sở Tư pháp",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về tư pháp.",
    ),
    (
        "Hội Nông dân tỉnh",
        None,
        MASS,
        Some(MTTQ),
        "Tổ chức chính trị - xã hội của giai cấp nông dân.",
    ),
    (
        "Hội Liên hiệp Phụ nữ tỉnh",
        Some("Hội LHPN tỉnh"),
        MASS,
        Some(MTTQ),
        "Tổ chức chính trị - xã hội đại diện cho phụ nữ trong tỉnh.",
    ),
    (
        "Tỉnh đoàn",
        None,
        MASS,
        Some(MTTQ),
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh.",
    ),
    (
        "Hội Cựu chiến binh tỉnh",
        None,
        MASS,
        Some(MTTQ),
        "Tổ chức chính trị - xã hội của cựu chiến binh.",
    ),
    (
        "Liên đoàn Lao động tỉnh",
        Some("LĐLĐ tỉnh"),
        MASS,
        Some(MTTQ),
        "Tổ chức công đoàn cấp tỉnh.",
    ),
    (
        "Thanh tra tỉnh",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan thanh tra nhà nước cấp tỉnh.",
    ),
    (
        "Ban Quản lý các khu công nghiệp tỉnh",
        Some("BQL KCN"),
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan quản lý nhà nước đối với các khu công nghiệp.",
    ),
    (
        "Bệnh viện Đa khoa tỉnh",
        Some("BVĐK tỉnh"),
        HOSPITAL,
        Some(SO_YTE),
        "Bệnh viện tuyến tỉnh hạng I.",
    ),
    (
        "Trường THPT Chuyên tỉnh",
        None,
        SCHOOL,
        Some(SO_GD),
        "Trường trung học phổ thông chuyên của tỉnh.",
    ),
    (
        "Liên minh Hợp tác xã tỉnh",
        None,
        MASS,
        Some(UBND_TINH),
        "Tổ chức đại diện, hỗ trợ các hợp tác xã trong tỉnh.",
    ),
];

/// The host organization of each theme, by index in [`FIXED`].
pub const HOSTS: [usize; 11] = [
    TINH_UY, BCHQS, UBND_TINH, 12, 26, MTTQ, SO_GD, 17, 17, CONG_AN, SO_YTE,
];

/// The titles of an organization, the head first.
pub fn ranks(name: &str, kind: &str) -> &'static [&'static str] {
    match kind {
        PARTY if name.starts_with("Ban ") => &["Trưởng", "Phó Trưởng", "Phó Trưởng", "Chuyên viên"],
        PARTY if name.starts_with("Ủy ban Kiểm tra") => {
            &["Chủ nhiệm", "Phó Chủ nhiệm", "Ủy viên"]
        }
        PARTY => &[
            "Bí thư",
            "Phó Bí thư",
            "Phó Bí thư Thường trực",
            "Ủy viên Ban Thường vụ",
            "Ủy viên Ban Chấp hành",
            "Chánh Văn phòng",
        ],
        PEOPLES => &[
            "Chủ tịch",
            "Phó Chủ tịch",
            "Phó Chủ tịch",
            "Chánh Văn phòng",
            "Ủy viên",
        ],
        COUNCIL => &[
            "Chủ tịch",
            "Phó Chủ tịch",
            "Trưởng Ban Kinh tế - Ngân sách",
            "Trưởng Ban Pháp chế",
            "Trưởng Ban Văn hóa - Xã hội",
            "Đại biểu",
        ],
        DEPARTMENT if name.starts_with("Sở ") => &[
            "Giám đốc",
            "Phó Giám đốc",
            "Phó Giám đốc",
            "Chánh Văn phòng",
            "Trưởng phòng Kế hoạch - Tài chính",
            "Chuyên viên",
        ],
        DEPARTMENT if name.starts_with("Thanh tra") => &["Chánh", "Phó Chánh", "Thanh tra viên"],
        DEPARTMENT => &["Trưởng", "Phó Trưởng", "Chuyên viên"],
        MASS if name.contains("đoàn") && !name.starts_with("Liên đoàn") => {
            &["Bí thư", "Phó Bí thư"]
        }
        MASS if name.starts_with("Ủy ban") => {
            &["Chủ tịch", "Phó Chủ tịch", "Ủy viên Thường trực"]
        }
        MASS => &["Chủ tịch", "Phó Chủ tịch", "Phó Chủ tịch"],
        ARMED if name.starts_with("Công an tỉnh") => {
            &["Giám đốc", "Phó Giám đốc", "Phó Giám đốc"]
        }
        ARMED if name.starts_with("Công an") => &["Trưởng", "Phó Trưởng"],
        ARMED => &["Chỉ huy trưởng", "Chính ủy", "Phó Chỉ huy trưởng"],
        SCHOOL => &["Hiệu trưởng", "Phó Hiệu trưởng", "Giáo viên", "Giáo viên"],
        HOSPITAL => &[
            "Giám đốc",
            "Phó Giám đốc",
            "Trưởng khoa Hồi sức tích cực",
            "Trưởng khoa Nội tổng hợp",
            "Bác sĩ",
            "Bác sĩ",
            "Điều dưỡng trưởng",
        ],
        COMPANY => &[
            "Giám đốc",
            "Tổng Giám đốc",
            "Chủ tịch Hội đồng quản trị",
            "Phó Giám đốc",
            "Kế toán trưởng",
            "Trưởng phòng Kinh doanh",
        ],
        _ if name.starts_with("Báo") => &["Tổng Biên tập", "Phó Tổng Biên tập", "Thư ký tòa soạn"],
        _ => &["Giám đốc", "Chủ tịch Hội đồng quản trị", "Phó Giám đốc"],
    }
}

/// Whether people of this kind of organization are called "đồng chí".
pub fn is_government(kind: &str) -> bool {
    matches!(kind, PARTY | PEOPLES | COUNCIL | DEPARTMENT | MASS | ARMED)
}
