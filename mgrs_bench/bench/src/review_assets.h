// The review page's files, built into the binary (review_assets.cpp): no file is read at run time.
#pragma once

namespace mgrs::bench {

extern const char* const kReviewHtml;
extern const char* const kReviewJs;
extern const char* const kReviewCss;

}  // namespace mgrs::bench
