use super::markup::provider_name;
use super::*;
use crate::domain::body::{self, Block, ImageHtml};
use crate::domain::import::source::SourcePhoto;

fn p(text: &str) -> SourceBlock {
    SourceBlock::Block(Block::Paragraph { text: text.into() })
}

fn photo(url: &str) -> SourcePhoto {
    SourcePhoto {
        url: url.into(),
        ..SourcePhoto::default()
    }
}

const LEAD: &str =
    "Chiều 27/12, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm 2021.";

#[test]
fn our_own_rendering_reads_back_to_the_same_blocks() {
    let first = ImageHtml {
        url: "https://media.baotinh.vn/2021/12/hoi-nghi.jpg?w=1200&q=80",
        caption: Some("Toàn cảnh hội nghị tổng kết công tác dân vận."),
        credit: Some("Nguyễn Nam"),
        alt: Some("Đại biểu dự hội nghị tại hội trường Tỉnh ủy"),
        width: Some(1200),
        height: Some(800),
    };
    let second = ImageHtml {
        url: "https://media.baotinh.vn/2021/12/trao-thuong.jpg",
        caption: Some("Trao bằng khen cho các tập thể tiêu biểu."),
        credit: None,
        alt: None,
        width: None,
        height: None,
    };
    let blocks = vec![
        Block::Paragraph {
            text: "Dân biết, dân bàn, dân làm, dân kiểm tra: \"5 < 7 & 8 > 6\", 'đúng'.".into(),
        },
        Block::Heading {
            level: 2,
            text: "Kết quả nổi bật năm 2021".into(),
        },
        Block::Image { media_id: 1 },
        Block::Heading {
            level: 3,
            text: "Phong trào “Dân vận khéo”".into(),
        },
        Block::Image { media_id: 2 },
        Block::Quote {
            text: "Dễ trăm lần không dân cũng chịu, khó vạn lần dân liệu cũng xong.".into(),
            attribution: Some("Chủ tịch Hồ Chí Minh".into()),
        },
        Block::Quote {
            text: "Lấy dân làm gốc.".into(),
            attribution: None,
        },
        Block::List {
            ordered: true,
            items: vec![
                "Nắm chắc tình hình nhân dân".into(),
                "Đối thoại với dân".into(),
            ],
        },
        Block::List {
            ordered: false,
            items: vec!["Huyện Đông Hưng".into(), "Thành phố Thái Bình".into()],
        },
        Block::Embed {
            url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42".into(),
            provider: None,
            title: Some("Phóng sự: Dân vận khéo ở cơ sở".into()),
        },
    ];
    let html = body::render_html(&blocks, |id| match id {
        1 => Some(ImageHtml { ..first }),
        2 => Some(ImageHtml { ..second }),
        _ => None,
    });
    let as_photo = |img: &ImageHtml<'_>| SourcePhoto {
        url: img.url.into(),
        caption: img.caption.map(Into::into),
        credit: img.credit.map(Into::into),
        alt: img.alt.map(Into::into),
        width: img.width,
        height: img.height,
        ..SourcePhoto::default()
    };
    let expected: Vec<SourceBlock> = blocks
        .iter()
        .map(|block| match block {
            Block::Image { media_id: 1 } => SourceBlock::Image(as_photo(&first)),
            Block::Image { .. } => SourceBlock::Image(as_photo(&second)),
            other => SourceBlock::Block(other.clone()),
        })
        .collect();
    assert_eq!(blocks_from_html(&html), expected, "{html}");
}

#[test]
fn classic_content_with_shortcodes_and_blank_lines() {
    let html = format!(
        "{LEAD}\n\n\
         [caption id=\"attachment_12\" align=\"aligncenter\" width=\"800\"]<img src=\"https://baotinh.vn/wp-content/uploads/2021/12/hoi-nghi.jpg\" alt=\"Hội nghị\" width=\"800\" height=\"533\" class=\"size-full wp-image-12\" /> Toàn cảnh hội nghị.[/caption]\n\n\
         Phát biểu tại hội nghị, đồng chí Trưởng ban <strong>nhấn mạnh</strong>:\n\
         phương châm &#8220;dân biết, dân bàn&#8221; tiếp tục được phát huy.\n\
         &nbsp;\n\
         [embed]https://www.youtube.com/watch?v=abc123[/embed]\n\n\
         https://youtu.be/xyz789\n\n\
         [gallery ids=\"3, 4\"]\n\n\
         [dropcap]N[/dropcap]ăm 2022, [vc_row][vc_column]tỉnh[/vc_column][/vc_row] đặt mục tiêu [TTXVN] [1] [[gallery]].\n\n\
         <h2>Nhiệm vụ năm 2022</h2>\n\
         Tiếp tục đổi mới nội dung.\n"
    );
    let yt = |url: &str| {
        SourceBlock::Block(Block::Embed {
            url: url.into(),
            provider: Some("YouTube".into()),
            title: None,
        })
    };
    let gallery = |id: &str| {
        SourceBlock::Image(SourcePhoto {
            source_ref: Some(id.into()),
            ..photo("")
        })
    };
    assert_eq!(
        blocks_from_html(&html),
        vec![
            p(LEAD),
            SourceBlock::Image(SourcePhoto {
                caption: Some("Toàn cảnh hội nghị.".into()),
                alt: Some("Hội nghị".into()),
                width: Some(800),
                height: Some(533),
                source_ref: Some("12".into()),
                ..photo("https://baotinh.vn/wp-content/uploads/2021/12/hoi-nghi.jpg")
            }),
            p("Phát biểu tại hội nghị, đồng chí Trưởng ban nhấn mạnh:\n\
               phương châm “dân biết, dân bàn” tiếp tục được phát huy."),
            yt("https://www.youtube.com/watch?v=abc123"),
            yt("https://youtu.be/xyz789"),
            gallery("3"),
            gallery("4"),
            p("Năm 2022, tỉnh đặt mục tiêu [TTXVN] [1] [gallery]."),
            SourceBlock::Block(Block::Heading {
                level: 2,
                text: "Nhiệm vụ năm 2022".into()
            }),
            p("Tiếp tục đổi mới nội dung."),
        ]
    );
}

#[test]
fn gutenberg_blocks() {
    let html = format!(
        r#"<!-- wp:paragraph -->
<p>{LEAD}</p>
<!-- /wp:paragraph -->

<!-- wp:heading {{"level":1}} -->
<h1 class="wp-block-heading">Những <em>con số</em> ấn tượng</h1>
<!-- /wp:heading -->

<!-- wp:image {{"id":12,"sizeSlug":"large"}} -->
<figure class="wp-block-image size-large"><img src="https://baotinh.vn/wp-content/uploads/2021/12/dan-van.jpg" alt="" class="wp-image-12"/><figcaption class="wp-element-caption">Cán bộ dân vận thăm hỏi bà con. <cite>Ảnh: Minh Anh</cite></figcaption></figure>
<!-- /wp:image -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Dân vận khéo thì việc gì cũng thành công.</p><p>Đó là bài học quý.</p><cite>Ông Trần Văn Bình</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:list {{"ordered":true}} -->
<ol class="wp-block-list"><li>Xây dựng nông thôn mới<ul><li>Giao thông</li><li>Thủy lợi</li></ul></li><li>Giảm nghèo bền vững</li></ol>
<!-- /wp:list -->

<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->

<!-- wp:embed {{"url":"https://www.youtube.com/watch?v=abc123","providerNameSlug":"youtube"}} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=abc123
</div><figcaption class="wp-element-caption">Toàn cảnh hội nghị</figcaption></figure>
<!-- /wp:embed -->

<!-- wp:table -->
<figure class="wp-block-table"><table style="border:1px" onmouseover="alert(1)"><thead><tr><th>Huyện</th><th>Số mô hình</th></tr></thead><tbody><tr><td>Đông Hưng</td><td>42</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:html -->
<div class="binh-chon"><script>alert("xss")</script><button onclick="vote()">Bình chọn</button> <a href="javascript:alert(1)">mô hình</a> hay nhất</div>
<!-- /wp:html -->

<!-- wp:spacer -->
<div style="height:40px" aria-hidden="true" class="wp-block-spacer"></div>
<!-- /wp:spacer -->"#
    );
    let blocks = blocks_from_html(&html);
    let html_of = |i: usize| match &blocks[i] {
        SourceBlock::Block(Block::Html { html }) => html.clone(),
        other => panic!("not html: {other:?}"),
    };
    let table = html_of(6);
    assert!(
        table.starts_with("<figure class=\"wp-block-table\"><table><thead>"),
        "{table}"
    );
    assert!(
        table.contains("<td>Đông Hưng</td>")
            && !table.contains("style")
            && !table.contains("onmouseover"),
        "{table}"
    );
    let widget = html_of(7);
    assert!(
        widget.contains("Bình chọn") && widget.contains("mô hình"),
        "{widget}"
    );
    for gone in ["script", "xss", "onclick", "javascript", "vote"] {
        assert!(!widget.contains(gone), "{gone} in {widget}");
    }
    assert_eq!(
        blocks[..6],
        [
            p(LEAD),
            SourceBlock::Block(Block::Heading {
                level: 2,
                text: "Những con số ấn tượng".into()
            }),
            SourceBlock::Image(SourcePhoto {
                caption: Some("Cán bộ dân vận thăm hỏi bà con.".into()),
                credit: Some("Ảnh: Minh Anh".into()),
                source_ref: Some("12".into()),
                ..photo("https://baotinh.vn/wp-content/uploads/2021/12/dan-van.jpg")
            }),
            SourceBlock::Block(Block::Quote {
                text: "Dân vận khéo thì việc gì cũng thành công.\nĐó là bài học quý.".into(),
                attribution: Some("Ông Trần Văn Bình".into()),
            }),
            SourceBlock::Block(Block::List {
                ordered: true,
                items: [
                    "Xây dựng nông thôn mới",
                    "Giao thông",
                    "Thủy lợi",
                    "Giảm nghèo bền vững"
                ]
                .map(String::from)
                .to_vec(),
            }),
            SourceBlock::Block(Block::Embed {
                url: "https://www.youtube.com/watch?v=abc123".into(),
                provider: Some("YouTube".into()),
                title: Some("Toàn cảnh hội nghị".into()),
            }),
        ]
    );
    // The separator and the spacer: nothing.
    assert_eq!(blocks.len(), 8, "{blocks:#?}");
}

#[test]
fn images_inside_text_split_it_and_bad_sources_are_dropped() {
    let html = "<p>Trước ảnh <a href=\"https://baotinh.vn/anh\"><img src=\"https://baotinh.vn/a.jpg\" alt=\"Ảnh\"></a> sau ảnh.</p>\
                <p>Ảnh lỗi <img src=\"javascript:alert(1)\"> <img src=\"/wp-content/b.jpg\"> bị bỏ.</p>\
                <figure><img src=\"data:image/png;base64,AAAA\"><figcaption>Chú thích mồ côi</figcaption></figure>\
                <p>&nbsp;</p><p>  </p>";
    assert_eq!(
        blocks_from_html(html),
        vec![
            p("Trước ảnh"),
            SourceBlock::Image(SourcePhoto {
                alt: Some("Ảnh".into()),
                ..photo("https://baotinh.vn/a.jpg")
            }),
            p("sau ảnh."),
            p("Ảnh lỗi bị bỏ."),
        ]
    );
}

#[test]
fn iframes_wrappers_headings_and_line_breaks() {
    let html = "<div class=\"entry\"><section>Lời dẫn trong khung.<h1>Tiêu đề</h1>\
                <p>Dòng một<br>Dòng hai</p></section>\
                <iframe width=\"560\" src=\"//www.youtube.com/embed/abc123?rel=0&amp;t=5\"></iframe>\
                <IFRAME src=\"https://maps.example.vn/nha-van-hoa\"></IFRAME>\
                <iframe src=\"javascript:alert(1)\"></iframe>\
                <figure class=\"embed\"><a href=\"https://vimeo.com/1\">https://vimeo.com/1</a></figure></div>";
    let embed = |url: &str, provider: Option<&str>| {
        SourceBlock::Block(Block::Embed {
            url: url.into(),
            provider: provider.map(Into::into),
            title: None,
        })
    };
    assert_eq!(
        blocks_from_html(html),
        vec![
            p("Lời dẫn trong khung."),
            SourceBlock::Block(Block::Heading {
                level: 2,
                text: "Tiêu đề".into()
            }),
            p("Dòng một\nDòng hai"),
            embed(
                "https://www.youtube.com/embed/abc123?rel=0&t=5",
                Some("YouTube")
            ),
            embed("https://maps.example.vn/nha-van-hoa", None),
            embed("https://vimeo.com/1", None),
        ]
    );
}

#[test]
fn other_embed_shapes_lazy_images_and_code() {
    let html = "<!-- wp:html --><iframe src=\"https://www.facebook.com/plugins/video.php?href=x\"></iframe><!-- /wp:html -->\
                [video width=\"640\" mp4=\"https://baotinh.vn/video/hoi-nghi.mp4\"][/video]\
                [caption id=\"attachment_7\"]<a href=\"https://baotinh.vn/anh\"><img data-src=\"https://baotinh.vn/c.jpg\" src=\"data:image/gif;base64,R0l\"></a> Bà con phấn khởi.[/caption]\
                <pre class=\"wp-block-code\"><code>if a &lt; b {}</code></pre>";
    assert_eq!(
        blocks_from_html(html),
        vec![
            SourceBlock::Block(Block::Embed {
                url: "https://www.facebook.com/plugins/video.php?href=x".into(),
                provider: Some("Facebook".into()),
                title: None,
            }),
            SourceBlock::Image(SourcePhoto {
                caption: Some("Bà con phấn khởi.".into()),
                source_ref: Some("7".into()),
                ..photo("https://baotinh.vn/c.jpg")
            }),
            SourceBlock::Block(Block::Html {
                html: "<pre><code>if a &lt; b {}</code></pre>".into()
            }),
        ]
    );
    assert_eq!(provider_name("wordpress-tv"), "WordPress.tv");
    assert_eq!(provider_name("đài-truyền-hình"), "Đài Truyền Hình");
}

#[test]
fn empty_and_hostile_input() {
    assert!(blocks_from_html("").is_empty());
    assert!(
        blocks_from_html("  \n\n <!-- wp:paragraph --><p></p><!-- /wp:paragraph -->").is_empty()
    );
    assert!(blocks_from_html("<script>alert(1)</script><style>p{}</style>").is_empty());
    let deep = format!("{}Sâu thẳm{}", "<div>".repeat(5000), "</div>".repeat(5000));
    assert_eq!(blocks_from_html(&deep), vec![p("Sâu thẳm")]);
    assert_eq!(blocks_from_html("[caption]Chưa đóng"), vec![p("Chưa đóng")]);
    let odd = [
        "<",
        "&",
        "&#;",
        "&#x110000;",
        "[",
        "[[",
        "[/",
        "[]",
        "[[[a]]]",
        "[Ả]",
        "[a b=\"",
        "[caption id=attachment_]ảnh[/caption]",
        "<iframe",
        "<iframe src='//",
        "<!-- wp:html",
        "<!-- wp:html -->x",
        "<img src=\"https://a.vn/ả.jpg\" width=\"-3\" height=\"1e9\">",
        "<figure class=\"wp-block-embed is-provider-\"></figure>",
        "<ul><ul><li>ả",
    ];
    for html in odd {
        blocks_from_html(html);
    }
}
