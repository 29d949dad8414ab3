// riskscale/utf8.hpp: well-formed UTF-8 per Unicode Table 3-7, and the mending JSON output relies on.
#include <gtest/gtest.h>

#include <string>

#include "riskscale/utf8.hpp"

namespace {

using riskscale::escaped_for_message;
using riskscale::first_invalid_utf8;
using riskscale::to_valid_utf8;

TEST(Utf8, AcceptsWellFormedTextOfEveryLength) {
  for (const char* text :
       {"", "plain ASCII", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80", "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_FALSE(first_invalid_utf8(text).has_value()) << text;
    EXPECT_EQ(to_valid_utf8(text), text);
  }
}

TEST(Utf8, FindsTheFirstByteOfEveryIllFormedSequence) {
  EXPECT_EQ(first_invalid_utf8("ACC\xFF"
                               "1"),
            3u);                                          // not a lead byte
  EXPECT_EQ(first_invalid_utf8("ab\xC3"), 2u);            // truncated
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);      // overlong, three bytes
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);     // a UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\x80"), 0u);              // a lone continuation byte
}

TEST(Utf8, MendsEachInvalidByteToOneReplacementCharacter) {
  EXPECT_EQ(to_valid_utf8("ACC\xFF"
                          "1"),
            "ACC\xEF\xBF\xBD"
            "1");
  EXPECT_EQ(to_valid_utf8("\xC3\xA9\xFE\xFF"), "\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_FALSE(first_invalid_utf8(to_valid_utf8("\xC0\xAF\xED\xA0\x80")).has_value());
}

TEST(Utf8, MessagesShowInvalidBytesAndControlsAsHex) {
  EXPECT_EQ(escaped_for_message("ACC\xFF"
                                "1"),
            "ACC\\xff1");
  EXPECT_EQ(escaped_for_message(std::string("a\0b\n", 4)), "a\\x00b\\x0a");
  EXPECT_EQ(escaped_for_message("caf\xC3\xA9"), "caf\xC3\xA9");
}

}  // namespace
