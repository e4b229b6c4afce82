//! What agora's fuzz targets share: a small reader for the HTML the sanitiser writes, so that a
//! target can check every tag and attribute against an allow-list.

pub mod html;
