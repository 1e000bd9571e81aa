//! Renditions per second and memory: a 4,000×3,000 JPEG (a photo-like
//! 12-megapixel image made here, so the run needs no file) rendered to a
//! 640-pixel-wide WebP by the media library's own decode → resize →
//! encode path, first one at a time, then ten at once behind the
//! library's bound on concurrent decodes (`MEDIA_CONCURRENT_RENDERS`,
//! one per core). Peak memory is the process's high-water mark (VmHWM).
//!
//! ```sh
//! cargo run --release --example bench_media [renders]
//! ```

use std::{io::Cursor, sync::Arc, time::Instant};

use api::domain::media::{
    inspect::{self, PixelLimits},
    render::{self, Focal},
    spec::{Fit, Format, Spec},
};

const LIMITS: PixelLimits = PixelLimits {
    max_pixels: 50_000_000,
};

fn photo() -> Vec<u8> {
    // Gradients under per-pixel noise (a hash of the position): at
    // quality 90 it weighs about what a camera's 12-megapixel JPEG does,
    // so the decoder has a photo's work (a smooth image would flatter it).
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let mut h = (u64::from(x) << 32 | u64::from(y)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 29;
        let grain = (h % 48) as u8;
        image::Rgb([
            ((x / 16) as u8).wrapping_add(grain),
            ((y / 12) as u8).wrapping_add(grain),
            (((x + y) / 28) as u8).wrapping_sub(grain),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .map(|_| out.into_inner())
        .unwrap_or_default()
}

fn render_once(jpeg: &[u8]) -> usize {
    let spec = Spec {
        width: 640,
        height: 0,
        fit: Fit::Width,
        format: Format::Webp,
    };
    inspect::decode(jpeg, &LIMITS)
        .and_then(|decoded| render::render(&decoded.image, &spec, Focal::default()))
        .map_or(0, |r| r.bytes.len())
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let renders: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let jpeg = Arc::new(photo());
    println!(
        "source: 4000×3000 JPEG, {:.1} MB; peak RSS after making it: {:.0} MB",
        jpeg.len() as f64 / 1e6,
        peak_rss_mb()
    );
    let started = Instant::now();
    let mut out_bytes = 0;
    for _ in 0..renders {
        out_bytes = render_once(&jpeg);
    }
    let serial = started.elapsed().as_secs_f64();
    println!(
        "one at a time: {renders} renders in {serial:.2} s = {:.2} renders/s ({:.0} ms each), WebP {out_bytes} bytes; peak RSS {:.0} MB",
        renders as f64 / serial,
        1000.0 * serial / renders as f64,
        peak_rss_mb()
    );
    let permits = Arc::new(tokio::sync::Semaphore::new(
        std::thread::available_parallelism().map_or(2, |n| n.get()),
    ));
    let started = Instant::now();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (jpeg, permits) = (jpeg.clone(), permits.clone());
            tokio::spawn(async move {
                let Ok(_permit) = permits.acquire_owned().await else {
                    return 0;
                };
                tokio::task::spawn_blocking(move || render_once(&jpeg))
                    .await
                    .unwrap_or(0)
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    let burst = started.elapsed().as_secs_f64();
    println!(
        "ten at once ({} decoding at a time): {burst:.2} s = {:.2} renders/s; peak RSS {:.0} MB",
        permits.available_permits(),
        10.0 / burst,
        peak_rss_mb()
    );
}
