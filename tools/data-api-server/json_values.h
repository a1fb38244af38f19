// How the server compares, orders and measures JSON values: document _id
// keys, value equality and range comparison as the Data API applies them to
// collections, dotted paths, UTF-8 / UTF-16 lengths, base64.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace bytestore::dataapi {

namespace json = boost::json;

// True for the values a document _id may take: string, number, boolean,
// null, or an extended value ({"$uuid": ..}, {"$objectId": ..}, {"$date": ..}).
bool is_valid_id(const json::value& id);

// A byte string whose order is the order documents are kept and returned
// in: ids of one type sort together, strings by their UTF-8 bytes, numbers
// by value. Only for ids accepted by is_valid_id().
std::string id_key(const json::value& id);

// True when `v` is an extended value object such as {"$date": 1700000000000}.
bool is_extended_value(const json::value& v);

// Equality as filters use it: numbers by value (1 == 1.0), objects member
// by member, arrays element by element.
bool values_equal(const json::value& a, const json::value& b);

// Three-way comparison for $gt/$gte/$lt/$lte: numbers by value, strings by
// UTF-8 bytes, dates by time, booleans false < true. nullopt when the two
// values are not of one comparable type.
std::optional<int> compare_values(const json::value& a, const json::value& b);

// The value at a dotted path ("a.b.0"), or nullptr when absent.
const json::value* find_path(const json::object& doc, std::string_view path);

// Length in UTF-16 code units (what the Data API calls characters) of UTF-8 text.
std::size_t utf16_length(std::string_view utf8);

// Standard base64 with padding (RFC 4648).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// A random version-4 UUID in its 36-character text form.
std::string random_uuid(std::mt19937_64& rng);

}  // namespace bytestore::dataapi
