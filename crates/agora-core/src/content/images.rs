//! What an uploaded image may be, and what is kept of it: PNG, JPEG or WebP as its bytes say
//! (never its name or declared type), decoded within bounds (a few kilobytes must not ask for
//! gigabytes of pixels), turned upright by its orientation tag, and encoded anew, so that
//! nothing but the pixels survives: no EXIF (camera, place, time), no comments, no colour
//! profiles, no trailing data. A file that is not one of the three, or that does not decode
//! as the one its bytes announce (an SVG, a page renamed `.png`), is refused.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder as _, ImageFormat, ImageReader, Limits};

use crate::error::Invalid;

/// The widest or tallest image decoded, in pixels.
pub const MAX_SIDE: u32 = 10_000;
/// What decoding one image may allocate, at most (about 24 megapixels with transparency).
pub const MAX_DECODE_BYTES: u64 = 96 * 1024 * 1024;
/// The sides of an avatar's squares, in pixels.
pub const AVATAR_SIZES: [u32; 3] = [48, 96, 192];
/// The quality JPEG images are encoded anew with.
const JPEG_QUALITY: u8 = 85;

/// The formats accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    WebP,
}

impl Format {
    /// The format the first bytes announce, if it is one accepted.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match image::guess_format(bytes).ok()? {
            ImageFormat::Png => Some(Self::Png),
            ImageFormat::Jpeg => Some(Self::Jpeg),
            ImageFormat::WebP => Some(Self::WebP),
            _ => None,
        }
    }

    /// The file extension the media folder names it with.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::WebP => "webp",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Self::Png => ImageFormat::Png,
            Self::Jpeg => ImageFormat::Jpeg,
            Self::WebP => ImageFormat::WebP,
        }
    }
}

/// An image encoded anew: its format, size and bytes.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// Refuses a file that is not an accepted image: `field` names the request's field.
fn not_an_image(field: &'static str) -> Invalid {
    Invalid::new(
        field,
        "not_an_image",
        "Upload a PNG, JPEG or WebP image (other files, SVG among them, are not accepted).",
    )
}

/// Refuses an upload that holds no file.
pub fn no_file(field: &'static str) -> Invalid {
    Invalid::new(
        field,
        "required",
        "Choose an image file (PNG, JPEG or WebP) to upload.",
    )
}

/// Refuses a file over `max_bytes`; the web layer answers it with 413.
pub fn too_large(field: &'static str, max_bytes: usize) -> Invalid {
    Invalid::new(
        field,
        "file_too_large",
        format!(
            "The file is larger than {} KiB; make it smaller and upload it again.",
            max_bytes / 1024
        ),
    )
}

/// Decodes `bytes` as the format they announce, within the bounds above, turned upright.
pub fn decode(bytes: &[u8], field: &'static str) -> Result<(Format, DynamicImage), Invalid> {
    let format = Format::sniff(bytes).ok_or_else(|| not_an_image(field))?;
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format.image_format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e, field))?;
    // A broken orientation tag is ignored: the pixels are what count.
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(&e, field))?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok((format, image))
}

fn refusal(e: &image::ImageError, field: &'static str) -> Invalid {
    match e {
        image::ImageError::Limits(_) => Invalid::new(
            field,
            "image_too_large",
            format!(
                "The image has too many pixels: at most {MAX_SIDE} a side and about 24 megapixels. \
                 Make it smaller and upload it again."
            ),
        ),
        _ => not_an_image(field),
    }
}

/// Encodes `image` in `format` with nothing but its pixels.
pub fn encode(image: &DynamicImage, format: Format) -> Result<Encoded, Invalid> {
    let mut bytes = Vec::new();
    let written = match format {
        Format::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
            let encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
            rgb.write_with_encoder(encoder)
        }
        Format::Png | Format::WebP => {
            // The encoders take 8 bits a channel; a 16-bit PNG keeps its look in 8.
            let image = if image.color().has_alpha() {
                DynamicImage::ImageRgba8(image.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(image.to_rgb8())
            };
            image.write_to(&mut Cursor::new(&mut bytes), format.image_format())
        }
    };
    written.map_err(|_| not_an_image("file"))?;
    Ok(Encoded {
        format,
        width: image.width(),
        height: image.height(),
        bytes,
    })
}

/// An image for a post: checked, upright, at most `max_side` pixels a side (scaled down
/// keeping its proportions), encoded anew in its own format.
pub fn for_post(bytes: &[u8], max_side: u32) -> Result<Encoded, Invalid> {
    let (format, image) = decode(bytes, "file")?;
    let max_side = max_side.max(64);
    let image = if image.width() > max_side || image.height() > max_side {
        image.resize(max_side, max_side, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    encode(&image, format)
}

/// An avatar: the image cut to its central square and scaled to each of [`AVATAR_SIZES`],
/// smallest first, encoded anew in its own format.
pub fn avatar(bytes: &[u8]) -> Result<Vec<Encoded>, Invalid> {
    let (format, image) = decode(bytes, "file")?;
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    AVATAR_SIZES
        .iter()
        .map(|&s| {
            let scaled = square.resize_exact(s, s, image::imageops::FilterType::Triangle);
            encode(&scaled, format)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(format: Format, w: u32, h: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        }));
        encode(&image, format)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .bytes
    }

    #[test]
    fn each_format_is_read_from_its_bytes_and_kept_in_it() {
        for format in [Format::Png, Format::Jpeg, Format::WebP] {
            let bytes = sample(format, 30, 20);
            assert_eq!(Format::sniff(&bytes), Some(format));
            let out = for_post(&bytes, 2048).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!((out.format, out.width, out.height), (format, 30, 20));
        }
    }

    #[test]
    fn what_is_not_an_accepted_image_is_refused() {
        for bytes in [
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".as_slice(),
            b"<html>not an image</html>",
            b"GIF89a\x01\x00\x01\x00",
            b"\x89PNG\r\n\x1a\n but the rest is not",
            b"",
        ] {
            let code = for_post(bytes, 2048).err().map(|e| e.code);
            assert_eq!(code, Some("not_an_image"));
        }
    }

    #[test]
    fn a_large_image_is_scaled_into_the_largest_side_and_an_avatar_is_square() {
        let out = for_post(&sample(Format::Png, 400, 100), 200).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((out.width, out.height), (200, 50));
        let sizes: Vec<(u32, u32)> = avatar(&sample(Format::Jpeg, 300, 120))
            .unwrap_or_else(|e| panic!("{e:?}"))
            .iter()
            .map(|e| (e.width, e.height))
            .collect();
        assert_eq!(sizes, [(48, 48), (96, 96), (192, 192)]);
    }

    #[test]
    fn an_image_announcing_more_pixels_than_allowed_is_refused_before_decoding() {
        // A PNG header claiming 20,000 × 20,000 pixels, and nothing behind it.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&20_000u32.to_be_bytes());
        png.extend_from_slice(&20_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = png_crc(&png[12..]);
        png.extend_from_slice(&crc.to_be_bytes());
        let code = for_post(&png, 2048).err().map(|e| e.code);
        assert_eq!(code, Some("image_too_large"));
    }

    fn png_crc(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    0xedb8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
