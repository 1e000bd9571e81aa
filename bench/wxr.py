#!/usr/bin/env python3
"""Writes a WordPress export (WXR 1.2) of a provincial newsroom's archive
for `bench/import.sh`: N posts over ten years (classic-editor posts with
[caption] photos and Gutenberg posts with image, quote, list and table
blocks, alternating), nested categories, 300 tags, 40 authors, one image
attachment per four posts used as featured images, a few drafts,
scheduled and private posts. Deterministic for a given seed.

    python3 bench/wxr.py 100000 > /tmp/archive.xml
"""

import random
import sys
from datetime import datetime, timedelta

WORDS = (
    "tỉnh ủy ủy ban nhân dân hội đồng dân vận công tác phát triển kinh tế xã hội "
    "nông thôn mới đồng bào dân tộc thiểu số huyện xã thôn bản cán bộ đảng viên "
    "chương trình kế hoạch triển khai thực hiện kết quả năm tháng quý hội nghị tổng kết "
    "sơ kết phối hợp ký kết giai đoạn nhân dân đời sống sản xuất hợp tác xã chè shan tuyết "
    "ruộng bậc thang du lịch cộng đồng văn hóa lễ hội giáo dục y tế trường học bệnh viện "
    "giao thông đường bộ cầu treo thủy lợi nước sạch điện lưới an ninh quốc phòng biên giới "
    "đồn biên phòng chợ phiên cao nguyên đá mùa xuân tết nguyên đán đầu tư dự án vốn ngân sách "
    "doanh nghiệp thu nhập hộ nghèo giảm nghèo bền vững chuyển đổi số cải cách hành chính "
    "tiếp dân giải quyết kiến nghị cử tri đại biểu quốc hội chính quyền cơ sở vững mạnh"
).split()

SECTIONS = [
    ("thoi-su", "Thời sự", ""),
    ("thoi-su-chinh-tri", "Thời sự - Chính trị", "thoi-su"),
    ("thoi-su-xa-hoi", "Thời sự - Xã hội", "thoi-su"),
    ("kinh-te", "Kinh tế", ""),
    ("kinh-te-nong-nghiep", "Nông nghiệp", "kinh-te"),
    ("kinh-te-du-lich", "Du lịch", "kinh-te"),
    ("van-hoa", "Văn hóa", ""),
    ("giao-duc", "Giáo dục", ""),
    ("y-te", "Y tế", ""),
    ("quoc-phong-an-ninh", "Quốc phòng - An ninh", ""),
    ("the-thao", "Thể thao", ""),
    ("phap-luat", "Pháp luật", ""),
]

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Ma Sùng Giàng".split()
MIDDLE = "Văn Thị Đức Minh Thu Hải Ngọc Quang Xuân".split()
GIVEN = "Nam Trung Hương Tiến Ca Hà Lan Sơn Tuấn Dũng Mai Linh Phong Thành Vân".split()


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sentence(rng):
    text = words(rng, rng.randint(12, 28))
    return text[0].upper() + text[1:] + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def slug_of(text):
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    out, dash = [], False
    for c in text.lower():
        if c.isascii() and c.isalnum():
            if dash and out:
                out.append("-")
            out.append(c)
            dash = False
        else:
            dash = True
    return "".join(out)


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    out = sys.stdout
    base = "https://baohagiang.example.vn"
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n')
    w('<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n')
    w(f"<title>Báo Hà Giang điện tử</title>\n<link>{base}</link>\n")
    w("<wp:wxr_version>1.2</wp:wxr_version>\n")
    w(f"<wp:base_site_url>{base}</wp:base_site_url>\n<wp:base_blog_url>{base}</wp:base_blog_url>\n")
    authors = []
    for i in range(40):
        name = f"{FAMILY[i % len(FAMILY)]} {MIDDLE[i % len(MIDDLE)]} {GIVEN[i % len(GIVEN)]}"
        login = f"pv{i:02d}"
        authors.append(login)
        w(f"<wp:author><wp:author_id>{i + 1}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
          f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>\n")
    for i, (slug, name, parent) in enumerate(SECTIONS):
        w(f"<wp:category><wp:term_id>{i + 2}</wp:term_id><wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
          f"<wp:category_parent>{cdata(parent)}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n")
    tags = []
    for i in range(300):
        name = words(rng, 2).capitalize() + f" {i}"
        tags.append((slug_of(name), name))
        w(f"<wp:tag><wp:term_id>{i + 100}</wp:term_id><wp:tag_slug>{cdata(slug_of(name))}</wp:tag_slug>"
          f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n")
    start = datetime(2016, 1, 1, 1, 0, 0)
    span = (datetime(2026, 11, 30) - start).total_seconds()
    photos = {}
    for n in range(count):
        post_id = 1000 + n * 2
        at = start + timedelta(seconds=span * n / count + rng.randint(0, 3000))
        local = at + timedelta(hours=7)
        title = sentence(rng)[:-1][:110]
        section = rng.choice(SECTIONS)
        picked = rng.sample(tags, rng.randint(2, 4))
        status = "publish"
        roll = rng.random()
        if roll < 0.01:
            status = "draft"
        elif roll < 0.015:
            status = "private"
        elif n > count - 20:
            status = "future"
            at = datetime(2027, 1, 1) + timedelta(days=n % 20)
            local = at + timedelta(hours=7)
        photo_id = post_id + 1 if n % 4 == 0 else None
        photo_url = f"{base}/wp-content/uploads/{at:%Y/%m}/anh-{post_id}.jpg"
        if photo_id:
            photos[photo_id] = (photo_url, sentence(rng))
        paragraphs = [paragraph(rng) for _ in range(rng.randint(5, 9))]
        if n % 2 == 0:
            figure = (f'[caption id="attachment_{photo_id or 0}" align="aligncenter" width="1024"]'
                      f'<img class="size-large wp-image-{photo_id or 0}" src="{photo_url.replace(".jpg", "-1024x683.jpg")}" '
                      f'alt="" width="1024" height="683" /> {sentence(rng)}[/caption]')
            body = "\n\n".join(paragraphs[:2] + [figure] + paragraphs[2:])
        else:
            blocks = [f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs]
            blocks.insert(2, f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{sentence(rng)}</h2>\n<!-- /wp:heading -->')
            blocks.insert(3, f'<!-- wp:image {{"id":{photo_id or 0}}} -->\n<figure class="wp-block-image size-large">'
                             f'<img src="{photo_url}" alt="{words(rng, 4)}" class="wp-image-{photo_id or 0}"/>'
                             f"<figcaption class=\"wp-element-caption\">{sentence(rng)}</figcaption></figure>\n<!-- /wp:image -->")
            blocks.append(f'<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>{sentence(rng)}</p>'
                          f"<cite>{FAMILY[n % 16]} {GIVEN[n % 15]}</cite></blockquote>\n<!-- /wp:quote -->")
            blocks.append("<!-- wp:list -->\n<ul>" + "".join(f"<li>{words(rng, 6)}</li>" for _ in range(3)) + "</ul>\n<!-- /wp:list -->")
            if n % 10 == 1:
                blocks.append('<!-- wp:table -->\n<figure class="wp-block-table"><table><tbody>'
                              + "".join(f"<tr><td>{words(rng, 2)}</td><td>{rng.randint(1, 999)}</td></tr>" for _ in range(4))
                              + "</tbody></table></figure>\n<!-- /wp:table -->")
            body = "\n\n".join(blocks)
        gmt = "0000-00-00 00:00:00" if status == "draft" else f"{at:%Y-%m-%d %H:%M:%S}"
        slug = slug_of(title)[:80] if status != "draft" else ""
        w("<item>\n")
        w(f"<title>{cdata(title)}</title>\n<link>{base}/{local:%Y/%m/%d}/{slug or post_id}/</link>\n")
        w(f"<dc:creator>{cdata(authors[n % len(authors)])}</dc:creator>\n")
        w(f"<content:encoded>{cdata(body)}</content:encoded>\n")
        w(f"<excerpt:encoded>{cdata(paragraph(rng))}</excerpt:encoded>\n")
        w(f"<wp:post_id>{post_id}</wp:post_id>\n<wp:post_date>{cdata(f'{local:%Y-%m-%d %H:%M:%S}')}</wp:post_date>\n")
        w(f"<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n")
        w(f"<wp:post_name>{cdata(slug)}</wp:post_name>\n<wp:status>{cdata(status)}</wp:status>\n")
        w("<wp:post_type>{}</wp:post_type>\n".format(cdata("post")))
        w(f'<category domain="category" nicename="{section[0]}">{cdata(section[1])}</category>\n')
        for tslug, tname in picked:
            w(f'<category domain="post_tag" nicename="{tslug}">{cdata(tname)}</category>\n')
        if photo_id:
            w(f"<wp:postmeta><wp:meta_key>{cdata('_thumbnail_id')}</wp:meta_key><wp:meta_value>{cdata(str(photo_id))}</wp:meta_value></wp:postmeta>\n")
        w("</item>\n")
        if photo_id:
            url, caption = photos.pop(photo_id)
            meta = f'a:3:{{s:5:"width";i:2048;s:6:"height";i:1365;s:4:"file";s:0:"";}}'
            w("<item>\n")
            w(f"<title>{cdata('anh-' + str(post_id))}</title>\n")
            w(f"<excerpt:encoded>{cdata(caption)}</excerpt:encoded>\n<content:encoded>{cdata('')}</content:encoded>\n")
            w(f"<wp:post_id>{photo_id}</wp:post_id>\n<wp:post_parent>{post_id}</wp:post_parent>\n")
            w(f"<wp:post_date>{cdata(f'{local:%Y-%m-%d %H:%M:%S}')}</wp:post_date>\n")
            w(f"<wp:status>{cdata('inherit')}</wp:status>\n<wp:post_type>{cdata('attachment')}</wp:post_type>\n")
            w(f"<wp:post_mime_type>{cdata('image/jpeg')}</wp:post_mime_type>\n<wp:attachment_url>{cdata(url)}</wp:attachment_url>\n")
            w(f"<wp:postmeta><wp:meta_key>{cdata('_wp_attachment_metadata')}</wp:meta_key><wp:meta_value>{cdata(meta)}</wp:meta_value></wp:postmeta>\n")
            w("</item>\n")
    w("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()
