// Document commands of one collection: insert, find, replace, update,
// delete, count. Reads return documents in _id order unless sorted.
#include <algorithm>
#include <limits>

#include "commands.h"
#include "filter.h"
#include "json_values.h"
#include "projection.h"

namespace bytestore::dataapi {
namespace {

using DocMap = std::map<std::string, json::object>;

const json::value* argument(const json::object& args, const char* name) {
  const auto* v = args.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

const json::object& options_of(const json::object& args) {
  static const json::object kNone;
  const auto* o = argument(args, "options");
  if (o == nullptr) return kNone;
  if (!o->is_object()) throw errors::command_field_invalid("options", "must be an object");
  return o->get_object();
}

bool bool_option(const json::object& options, const char* name, bool fallback) {
  const auto* v = options.if_contains(name);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_bool()) throw errors::command_field_invalid(std::string("options.") + name, "must be true or false");
  return v->get_bool();
}

std::optional<std::size_t> count_option(const json::object& options, const char* name) {
  const auto* v = options.if_contains(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::size_t>(v->get_int64());
  if (v->is_uint64()) return static_cast<std::size_t>(v->get_uint64());
  throw errors::command_field_invalid(std::string("options.") + name, "must be a whole number >= 0");
}

Filter compile_filter(const CommandContext& ctx, const Collection& c, const json::object& args) {
  const FilterRules rules{&c.indexing, ctx.knobs.max_in_values, ctx.knobs.version.at_least(ServerVersion::kIdRanges),
                          ctx.knobs.max_filter_expressions};
  return Filter::compile(argument(args, "filter"), rules);
}

bool filter_is_empty(const json::object& args) {
  const auto* f = argument(args, "filter");
  return f == nullptr || (f->is_object() && f->get_object().empty());
}

// --- the order of results -------------------------------------------------

using SortSpec = std::vector<std::pair<std::string, int>>;

SortSpec compile_sort(const json::object& args) {
  SortSpec spec;
  const auto* s = argument(args, "sort");
  if (s == nullptr) return spec;
  if (!s->is_object()) throw errors::sort_invalid("the sort clause must be an object");
  for (const auto& m : s->get_object()) {
    const auto& v = m.value();
    const bool ascending = (v.is_int64() && v.get_int64() == 1) || (v.is_double() && v.get_double() == 1);
    const bool descending = (v.is_int64() && v.get_int64() == -1) || (v.is_double() && v.get_double() == -1);
    if (m.key().empty() || m.key()[0] == '$')
      throw errors::sort_invalid("path '" + std::string(m.key()) + "' is not supported by this server");
    if (!ascending && !descending) throw errors::sort_invalid("sort values must be 1 or -1");
    spec.emplace_back(std::string(m.key()), ascending ? 1 : -1);
  }
  return spec;
}

int type_rank(const json::value* v) {
  if (v == nullptr || v->is_null()) return 0;
  if (v->is_number()) return 1;
  if (v->is_string()) return 2;
  if (v->is_object()) return v->get_object().contains("$date") ? 6 : 3;
  if (v->is_array()) return 4;
  return 5;  // bool
}

bool sorted_before(const SortSpec& spec, const DocMap::const_iterator& a, const DocMap::const_iterator& b) {
  for (const auto& [path, direction] : spec) {
    const auto* x = find_path(a->second, path);
    const auto* y = find_path(b->second, path);
    int c = type_rank(x) - type_rank(y);
    if (c == 0 && x != nullptr && y != nullptr) c = compare_values(*x, *y).value_or(0);
    if (c != 0) return direction * c < 0;
  }
  return a->first < b->first;
}

// Matching documents in _id order, after the key `after` (all when null),
// at most `max` of them.
std::vector<DocMap::iterator> scan(DocMap& docs, const Filter& filter, const std::string* after, std::size_t max) {
  std::vector<DocMap::iterator> out;
  if (max == 0) return out;
  if (const auto& ids = filter.id_set()) {
    std::vector<std::string> keys;
    for (const auto& id : *ids) keys.push_back(id_key(id));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& key : keys) {
      if (after != nullptr && key <= *after) continue;
      const auto it = docs.find(key);
      if (it != docs.end() && filter.matches(it->second)) {
        out.push_back(it);
        if (out.size() == max) break;
      }
    }
    return out;
  }
  auto it = docs.begin();
  if (filter.lower_key()) it = docs.lower_bound(*filter.lower_key());
  if (after != nullptr && (it == docs.end() || it->first <= *after)) it = docs.upper_bound(*after);
  for (; it != docs.end(); ++it) {
    if (filter.upper_key() && it->first > *filter.upper_key()) break;
    if (filter.matches(it->second)) {
      out.push_back(it);
      if (out.size() == max) break;
    }
  }
  return out;
}

// Every match sorted by `spec` (the in-memory sort of the Data API).
std::vector<DocMap::iterator> sorted_matches(DocMap& docs, const Filter& filter, const SortSpec& spec) {
  auto all = scan(docs, filter, nullptr, std::numeric_limits<std::size_t>::max());
  std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) { return sorted_before(spec, a, b); });
  return all;
}

// The first match in the order the command asks for.
std::optional<DocMap::iterator> first_match(DocMap& docs, const Filter& filter, const SortSpec& spec) {
  auto found = spec.empty() ? scan(docs, filter, nullptr, 1) : sorted_matches(docs, filter, spec);
  if (found.empty()) return std::nullopt;
  return found.front();
}

// --- page states: opaque to clients --------------------------------------

struct PageState {
  std::optional<std::string> after;  // last _id key returned (unsorted reads)
  std::size_t offset = 0;            // position in the sorted results (sorted reads)
  std::size_t returned = 0;          // documents returned so far, for options.limit
};

std::string encode_page_state(const PageState& state) {
  json::object o{{"n", state.returned}, {"o", state.offset}};
  if (state.after) o["a"] = base64_encode(*state.after);
  return base64_encode(json::serialize(o));
}

PageState decode_page_state(const json::value* text) {
  PageState state;
  if (text == nullptr || (text->is_string() && text->get_string().empty())) return state;
  auto invalid = [] { return errors::command_field_invalid("options.pageState", "not a page state of this server"); };
  if (!text->is_string()) throw invalid();
  const auto raw = base64_decode(text->get_string());
  if (!raw) throw invalid();
  boost::system::error_code ec;
  const auto parsed = json::parse(*raw, ec);
  if (ec || !parsed.is_object()) throw invalid();
  const auto& o = parsed.get_object();
  const auto* n = o.if_contains("n");
  const auto* off = o.if_contains("o");
  if (n == nullptr || !n->is_number() || off == nullptr || !off->is_number()) throw invalid();
  state.returned = static_cast<std::size_t>(n->to_number<std::uint64_t>());
  state.offset = static_cast<std::size_t>(off->to_number<std::uint64_t>());
  if (const auto* a = o.if_contains("a")) {
    if (!a->is_string()) throw invalid();
    state.after = base64_decode(a->get_string());
    if (!state.after) throw invalid();
  }
  return state;
}

// --- writing documents ---------------------------------------------------

json::value new_id(CommandContext& ctx, const Collection& c) {
  std::string type;
  if (const auto* d = c.options.if_contains("defaultId"); d != nullptr && d->is_object())
    if (const auto* t = d->get_object().if_contains("type"); t != nullptr && t->is_string()) type = t->get_string();
  if (type == "objectId") {
    const auto uuid = random_uuid(ctx.rng);
    std::string hex;
    for (char ch : uuid)
      if (ch != '-' && hex.size() < 24) hex += ch;
    return json::object{{"$objectId", hex}};
  }
  auto text = random_uuid(ctx.rng);
  if (type == "uuid" || type == "uuidv4" || type == "uuidv6" || type == "uuidv7") return json::object{{"$uuid", text}};
  return json::value(text);
}

// The document with `id` as its first member.
json::object with_id_first(const json::object& doc, const json::value& id) {
  json::object out;
  out.reserve(doc.size() + 1);
  out["_id"] = id;
  for (const auto& m : doc)
    if (m.key() != "_id") out[m.key()] = m.value();
  return out;
}

const json::object& document_argument(const json::object& args, const char* name) {
  const auto* d = argument(args, name);
  if (d == nullptr || !d->is_object())
    throw errors::command_field_invalid(name, "must be a JSON object (a document)");
  return d->get_object();
}

// The _id a filter pins by equality, for upserts.
std::optional<json::value> filter_id(const json::object& args) {
  const auto* f = argument(args, "filter");
  if (f == nullptr || !f->is_object()) return std::nullopt;
  const auto* id = f->get_object().if_contains("_id");
  if (id == nullptr) return std::nullopt;
  if (is_valid_id(*id)) return *id;
  if (id->is_object() && id->get_object().size() == 1)
    if (const auto* eq = id->get_object().if_contains("$eq"); eq != nullptr && is_valid_id(*eq)) return *eq;
  return std::nullopt;
}

// Top-level equality fields of the filter, which an upsert starts from.
json::object upsert_seed(const json::object& args) {
  json::object seed;
  const auto* f = argument(args, "filter");
  if (f == nullptr || !f->is_object()) return seed;
  for (const auto& m : f->get_object()) {
    if (m.key().empty() || m.key()[0] == '$' || m.key().find('.') != std::string_view::npos) continue;
    const auto& v = m.value();
    if (!v.is_object() || is_extended_value(v)) seed[m.key()] = v;
    else if (const auto* eq = v.get_object().if_contains("$eq"); eq != nullptr && v.get_object().size() == 1)
      seed[m.key()] = *eq;
  }
  return seed;
}

void set_path(json::object& doc, std::string_view path, const json::value& value) {
  json::object* at = &doc;
  while (true) {
    const auto dot = path.find('.');
    const auto segment = path.substr(0, dot);
    if (dot == std::string_view::npos) {
      (*at)[segment] = value;
      return;
    }
    auto& next = (*at)[segment];
    if (!next.is_object()) next = json::object();
    at = &next.get_object();
    path.remove_prefix(dot + 1);
  }
}

bool unset_path(json::object& doc, std::string_view path) {
  json::object* at = &doc;
  while (true) {
    const auto dot = path.find('.');
    const auto segment = path.substr(0, dot);
    if (dot == std::string_view::npos) return at->erase(segment) > 0;
    auto* next = at->if_contains(segment);
    if (next == nullptr || !next->is_object()) return false;
    at = &next->get_object();
    path.remove_prefix(dot + 1);
  }
}

// Applies an update clause ($set, $unset, $setOnInsert, $inc); true when
// the document changed.
bool apply_update(json::object& doc, const json::object& update, bool inserting) {
  const json::object before = doc;
  for (const auto& [op, fields] : update) {
    if (op != "$set" && op != "$unset" && op != "$setOnInsert" && op != "$inc")
      throw errors::update_invalid("UNSUPPORTED_UPDATE_OPERATION",
                                   "Unsupported update operator '" + std::string(op) + "' (this server supports $set, "
                                   "$unset, $setOnInsert and $inc)");
    if (!fields.is_object())
      throw errors::update_invalid("UNSUPPORTED_UPDATE_DATA_TYPE",
                                   "Update operator '" + std::string(op) + "' needs an object of paths");
    for (const auto& [path, value] : fields.get_object()) {
      if (path == "_id" || path.starts_with("_id."))
        throw errors::update_invalid("UNSUPPORTED_UPDATE_OPERATOR_FOR_DOC_ID",
                                     "Cannot use operator '" + std::string(op) + "' on '_id'");
      if (op == "$set" || (op == "$setOnInsert" && inserting)) {
        set_path(doc, path, value);
      } else if (op == "$unset") {
        unset_path(doc, path);
      } else if (op == "$inc") {
        if (!value.is_number())
          throw errors::update_invalid("UNSUPPORTED_UPDATE_OPERATION_PARAM", "$inc needs a number for '" +
                                                                                 std::string(path) + "'");
        const auto* current = find_path(doc, path);
        if (current == nullptr) {
          set_path(doc, path, value);
        } else if (current->is_int64() && value.is_int64()) {
          set_path(doc, path, json::value(current->get_int64() + value.get_int64()));
        } else if (current->is_number()) {
          set_path(doc, path, json::value(current->to_number<double>() + value.to_number<double>()));
        } else {
          throw errors::update_invalid("UNSUPPORTED_UPDATE_OPERATION_TARGET",
                                       "$inc on the non-number field '" + std::string(path) + "'");
        }
      }
    }
  }
  return !values_equal(json::value(before), json::value(doc));
}

const json::object& update_argument(const json::object& args) {
  const auto* u = argument(args, "update");
  if (u == nullptr || !u->is_object() || u->get_object().empty())
    throw errors::command_field_invalid("update", "must be an object of update operators");
  return u->get_object();
}

bool return_after(const json::object& options) {
  const auto* r = options.if_contains("returnDocument");
  if (r == nullptr || r->is_null()) return false;
  if (r->is_string() && r->get_string() == "after") return true;
  if (r->is_string() && r->get_string() == "before") return false;
  throw errors::command_field_invalid("options.returnDocument", "must be 'before' or 'after'");
}

json::value projected(const json::object& args, const std::optional<json::object>& doc) {
  if (!doc) return nullptr;
  return Projection::compile(argument(args, "projection")).apply(*doc);
}

// --- update and replace of one document ----------------------------------

struct OneWrite {
  std::optional<json::object> before;
  std::optional<json::object> after;
  bool matched = false;
  bool modified = false;
  std::optional<json::value> upserted_id;
};

OneWrite write_one(CommandContext& ctx, const json::object& args, bool replace) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  const auto filter = compile_filter(ctx, c, args);
  const auto sort = compile_sort(args);
  const auto& options = options_of(args);
  const bool upsert = bool_option(options, "upsert", false);
  const json::object* replacement = replace ? &document_argument(args, "replacement") : nullptr;
  const json::object* update = replace ? nullptr : &update_argument(args);
  Projection::compile(argument(args, "projection"));  // reject a bad projection before writing

  OneWrite w;
  if (auto it = first_match(c.documents, filter, sort)) {
    auto& stored = (*it)->second;
    w.matched = true;
    w.before = stored;
    json::object next;
    if (replace) {
      const auto& matched_id = stored.at("_id");
      if (const auto* rid = replacement->if_contains("_id"); rid != nullptr && !values_equal(*rid, matched_id))
        throw errors::document_replace_different_docid(*rid, matched_id);
      next = with_id_first(*replacement, matched_id);
    } else {
      next = stored;
      apply_update(next, *update, false);
    }
    w.modified = !values_equal(json::value(next), json::value(stored));
    if (w.modified) {
      check_document(next, c.indexing, ctx.limits);
      stored = next;
    }
    w.after = stored;
    return w;
  }
  if (!upsert) return w;
  json::object created;
  if (replace) {
    const auto* rid = replacement->if_contains("_id");
    const auto id = rid != nullptr ? *rid : filter_id(args).value_or(new_id(ctx, c));
    created = with_id_first(*replacement, id);
  } else {
    auto seed = upsert_seed(args);
    const auto* sid = seed.if_contains("_id");
    const auto id = sid != nullptr ? *sid : new_id(ctx, c);
    created = with_id_first(seed, id);
    apply_update(created, *update, true);
  }
  check_document(created, c.indexing, ctx.limits);
  const auto key = id_key(created.at("_id"));
  if (c.documents.contains(key)) throw errors::document_already_exists(created.at("_id"));
  w.upserted_id = created.at("_id");
  w.after = created;
  c.documents.emplace(key, std::move(created));
  return w;
}

CommandResponse write_one_response(const json::object& args, const OneWrite& w, bool with_document) {
  CommandResponse r;
  if (with_document) {
    const bool after = return_after(options_of(args));
    r.data = json::object{{"document", projected(args, after ? w.after : w.before)}};
  }
  r.status["matchedCount"] = w.matched ? 1 : 0;
  r.status["modifiedCount"] = w.modified ? 1 : 0;
  if (w.upserted_id) r.status["upsertedId"] = *w.upserted_id;
  return r;
}

// Inserts `list` in order; `ordered` stops at the first failure (the rest
// SKIPPED). Each failed document gets its own error with its _id in
// documentIds; `responses` answers status.documentResponses, else
// status.insertedIds.
CommandResponse insert_documents(CommandContext& ctx, const json::array& list, bool ordered, bool responses) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  enum class Outcome { kOk, kError, kSkipped };
  struct Result {
    json::value id;
    Outcome outcome = Outcome::kSkipped;
    std::size_t error_index = 0;
  };
  std::vector<Result> results(list.size());
  CommandResponse r;
  bool stopped = false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto& result = results[i];
    const json::value* given = list[i].is_object() ? list[i].get_object().if_contains("_id") : nullptr;
    if (given != nullptr) result.id = *given;
    if (stopped) continue;
    try {
      if (!list[i].is_object()) throw errors::bad_document_type("documents must be JSON objects");
      auto stored = with_id_first(list[i].get_object(), given != nullptr ? *given : new_id(ctx, c));
      result.id = stored.at("_id");
      check_document(stored, c.indexing, ctx.limits);
      const auto key = id_key(stored.at("_id"));
      if (ctx.db_fault) {
        // The write meets the injected failure; with `applied` it landed.
        if (ctx.db_fault->applied && !c.documents.contains(key)) c.documents.emplace(key, std::move(stored));
        throw database_error(*ctx.db_fault, "insertMany", ctx.keyspace, ctx.collection, ctx.knobs.version);
      }
      if (c.documents.contains(key)) throw errors::document_already_exists(stored.at("_id"));
      c.documents.emplace(key, std::move(stored));
      result.outcome = Outcome::kOk;
    } catch (ApiError& e) {
      if (e.document_ids.empty() && !result.id.is_null()) e.document_ids.push_back(result.id);
      result.outcome = Outcome::kError;
      result.error_index = r.errors.size();
      r.errors.push_back(std::move(e));
      stopped = ordered;
    }
  }
  if (responses) {
    json::array list_out;
    for (const auto& result : results) {
      json::object entry{{"_id", result.id}};
      switch (result.outcome) {
        case Outcome::kOk:
          entry["status"] = "OK";
          break;
        case Outcome::kError:
          entry["status"] = "ERROR";
          entry["errorsIdx"] = result.error_index;
          break;
        case Outcome::kSkipped:
          entry["status"] = "SKIPPED";
          break;
      }
      list_out.emplace_back(std::move(entry));
    }
    r.status["documentResponses"] = std::move(list_out);
  } else {
    json::array ids;
    for (const auto& result : results)
      if (result.outcome == Outcome::kOk) ids.push_back(result.id);
    r.status["insertedIds"] = std::move(ids);
  }
  return r;
}

}  // namespace

CommandResponse commands::insert_one(CommandContext& ctx, const json::object& args) {
  // One document through insertMany's path, as the real server does: a
  // failure answers {"status": {"insertedIds": []}, "errors": [...]}.
  const json::array one{document_argument(args, "document")};
  return insert_documents(ctx, one, false, false);
}

CommandResponse commands::insert_many(CommandContext& ctx, const json::object& args) {
  const auto* docs = argument(args, "documents");
  if (docs == nullptr || !docs->is_array()) throw errors::command_field_invalid("documents", "must be an array");
  const auto& list = docs->get_array();
  if (list.empty()) throw errors::command_field_invalid("documents", "must not be empty");
  if (list.size() > ctx.knobs.max_insert_many)
    throw errors::command_field_invalid("documents", "amount of documents to insert is over the max limit (" +
                                                         std::to_string(list.size()) + " vs " +
                                                         std::to_string(ctx.knobs.max_insert_many) + ")");
  const auto& options = options_of(args);
  return insert_documents(ctx, list, bool_option(options, "ordered", false),
                          bool_option(options, "returnDocumentResponses", false));
}

CommandResponse commands::find_documents(CommandContext& ctx, const json::object& args) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  const auto filter = compile_filter(ctx, c, args);
  const auto projection = Projection::compile(argument(args, "projection"));
  const auto sort = compile_sort(args);
  const auto& options = options_of(args);
  const std::size_t limit = count_option(options, "limit").value_or(0);  // 0: none
  const auto skip = count_option(options, "skip").value_or(0);
  if (skip > 0 && sort.empty())
    throw errors::command_field_invalid("options.skip", "skip can only be used with a sort clause");
  auto state = decode_page_state(argument(options, "pageState"));

  // Current servers answer an _id $in in one page; older ones page it.
  std::size_t page = (filter.id_set() && ctx.knobs.version.at_least(ServerVersion::kIdRanges))
                         ? std::numeric_limits<std::size_t>::max()
                         : ctx.knobs.find_page_size();
  if (limit > 0) page = std::min(page, limit > state.returned ? limit - state.returned : 0);

  json::array documents;
  bool more = false;
  if (sort.empty()) {
    const auto* after = state.after ? &*state.after : nullptr;
    const auto found = scan(c.documents, filter, after, page == std::numeric_limits<std::size_t>::max() ? page : page + 1);
    more = found.size() > page;
    for (std::size_t i = 0; i < found.size() && i < page; ++i) {
      documents.emplace_back(projection.apply(found[i]->second));
      state.after = found[i]->first;
    }
  } else {
    const auto all = sorted_matches(c.documents, filter, sort);
    const std::size_t begin = std::min(all.size(), skip + state.offset);
    const std::size_t end = std::min(all.size(), begin + std::min(page, all.size()));
    for (std::size_t i = begin; i < end; ++i) documents.emplace_back(projection.apply(all[i]->second));
    more = end < all.size();
    state.offset += end - begin;
  }
  state.returned += documents.size();
  if (limit > 0 && state.returned >= limit) more = false;
  CommandResponse r;
  r.data = json::object{{"documents", std::move(documents)},
                        {"nextPageState", more ? json::value(encode_page_state(state)) : json::value(nullptr)}};
  return r;
}

namespace {

// The document a findOne-like command selects (filter, then sort), in its
// collection.
struct OneMatch {
  Collection& collection;
  std::optional<DocMap::iterator> found;
};

OneMatch one_match(CommandContext& ctx, const json::object& args) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  const auto filter = compile_filter(ctx, c, args);
  return {c, first_match(c.documents, filter, compile_sort(args))};
}

// {"document": the match, projected, or null}.
json::object document_data(const json::object& args, const OneMatch& match) {
  const auto projection = Projection::compile(argument(args, "projection"));
  return {{"document", match.found ? json::value(projection.apply((*match.found)->second)) : json::value(nullptr)}};
}

}  // namespace

CommandResponse commands::find_one(CommandContext& ctx, const json::object& args) {
  CommandResponse r;
  r.data = document_data(args, one_match(ctx, args));
  return r;
}

CommandResponse commands::find_one_and_replace(CommandContext& ctx, const json::object& args) {
  return write_one_response(args, write_one(ctx, args, true), true);
}

CommandResponse commands::find_one_and_update(CommandContext& ctx, const json::object& args) {
  return write_one_response(args, write_one(ctx, args, false), true);
}

CommandResponse commands::update_one(CommandContext& ctx, const json::object& args) {
  return write_one_response(args, write_one(ctx, args, false), false);
}

CommandResponse commands::update_many(CommandContext& ctx, const json::object& args) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  const auto filter = compile_filter(ctx, c, args);
  const auto& update = update_argument(args);
  const auto& options = options_of(args);
  const bool upsert = bool_option(options, "upsert", false);
  auto state = decode_page_state(argument(options, "pageState"));
  const auto max = ctx.knobs.max_delete_per_call;
  const auto found = scan(c.documents, filter, state.after ? &*state.after : nullptr, max + 1);
  std::size_t matched = 0, modified = 0;
  for (std::size_t i = 0; i < found.size() && i < max; ++i) {
    auto next = found[i]->second;
    ++matched;
    if (apply_update(next, update, false)) {
      check_document(next, c.indexing, ctx.limits);
      found[i]->second = std::move(next);
      ++modified;
    }
    state.after = found[i]->first;
  }
  CommandResponse r;
  if (found.empty() && upsert && !state.after) {
    auto write = write_one(ctx, args, false);
    return write_one_response(args, write, false);
  }
  r.status["matchedCount"] = matched;
  r.status["modifiedCount"] = modified;
  if (found.size() > max) {
    r.status["moreData"] = true;
    r.status["nextPageState"] = encode_page_state(state);
  }
  return r;
}

CommandResponse commands::delete_one(CommandContext& ctx, const json::object& args) {
  const OneMatch match = one_match(ctx, args);
  if (match.found) match.collection.documents.erase(*match.found);
  CommandResponse r;
  r.status["deletedCount"] = match.found ? 1 : 0;
  return r;
}

CommandResponse commands::find_one_and_delete(CommandContext& ctx, const json::object& args) {
  const OneMatch match = one_match(ctx, args);
  CommandResponse r;
  r.data = document_data(args, match);
  if (match.found) match.collection.documents.erase(*match.found);
  r.status["deletedCount"] = match.found ? 1 : 0;
  return r;
}

CommandResponse commands::delete_many(CommandContext& ctx, const json::object& args) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  const auto filter = compile_filter(ctx, c, args);
  CommandResponse r;
  if (filter_is_empty(args)) {
    c.documents.clear();
    r.status["deletedCount"] = -1;
    return r;
  }
  const auto max = ctx.knobs.max_delete_per_call;
  const auto found = scan(c.documents, filter, nullptr, max + 1);
  const std::size_t n = std::min(found.size(), max);
  for (std::size_t i = 0; i < n; ++i) c.documents.erase(found[i]);
  r.status["deletedCount"] = n;
  if (found.size() > max) r.status["moreData"] = true;
  return r;
}

CommandResponse commands::count_documents(CommandContext& ctx, const json::object& args) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  const auto filter = compile_filter(ctx, c, args);
  const auto max = ctx.knobs.max_count;
  const auto found = scan(c.documents, filter, nullptr, max + 1);
  CommandResponse r;
  r.status["count"] = std::min(found.size(), max);
  if (found.size() > max) r.status["moreData"] = true;
  return r;
}

CommandResponse commands::estimated_document_count(CommandContext& ctx, const json::object&) {
  auto& c = ctx.store.collection(ctx.keyspace, ctx.collection);
  CommandResponse r;
  r.status["count"] = c.documents.size();
  return r;
}

}  // namespace bytestore::dataapi
