#include "filter.h"

#include <algorithm>
#include <array>

#include "api_error.h"
#include "json_values.h"

namespace bytestore::dataapi {
namespace {

constexpr std::array<std::string_view, 9> kOperators = {"$eq", "$ne", "$in", "$nin", "$gt",
                                                        "$gte", "$lt", "$lte", "$exists"};

bool is_range(std::string_view op) { return op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte"; }

// True when `v` is an operator object such as {"$gt": 3}, as opposed to a
// literal value to compare with ({"a": 1}, {"$date": 1}).
bool is_operator_object(const json::value& v) {
  if (!v.is_object() || v.get_object().empty() || is_extended_value(v)) return false;
  return std::all_of(v.get_object().begin(), v.get_object().end(),
                     [](const auto& m) { return !m.key().empty() && m.key()[0] == '$'; });
}

bool equal_or_contains(const json::value* field, const json::value& operand) {
  if (field == nullptr) return false;
  if (values_equal(*field, operand)) return true;
  if (field->is_array())
    for (const auto& element : field->get_array())
      if (values_equal(element, operand)) return true;
  return false;
}

bool in_values(const json::value* field, const json::array& values) {
  return std::any_of(values.begin(), values.end(), [&](const auto& v) { return equal_or_contains(field, v); });
}

}  // namespace

Filter Filter::compile(const json::value* clause, const FilterRules& rules) {
  Filter filter;
  if (clause != nullptr && !clause->is_null()) {
    if (!clause->is_object()) throw errors::filter_invalid_expression("the filter must be an object");
    filter.root_ = compile_object(clause->get_object(), rules, false);
  }
  std::size_t all = 0, on_id = 0;
  count(filter.root_, all, on_id);
  if (all > rules.max_expressions) throw errors::filter_fields_limit(all, rules.max_expressions);
  if (on_id > 1) throw errors::filter_multiple_id();
  filter.plan();
  return filter;
}

Filter::Node Filter::compile_object(const json::object& clause, const FilterRules& rules, bool under_or) {
  Node node;
  node.kind = Node::Kind::kAnd;
  for (const auto& member : clause) {
    const std::string key(member.key());
    const auto& value = member.value();
    if (key == "$and" || key == "$or") {
      if (!value.is_array() || value.get_array().empty())
        throw errors::filter_invalid_expression("'" + key + "' operator must have a non-empty array of filters");
      Node group;
      group.kind = key == "$and" ? Node::Kind::kAnd : Node::Kind::kOr;
      for (const auto& element : value.get_array()) {
        if (!element.is_object())
          throw errors::filter_invalid_expression("'" + key + "' operator accepts only objects");
        group.children.push_back(compile_object(element.get_object(), rules, under_or || key == "$or"));
      }
      node.children.push_back(std::move(group));
    } else if (key == "$not") {
      if (!value.is_object()) throw errors::filter_invalid_expression("'$not' operator must have an object");
      Node negation;
      negation.kind = Node::Kind::kNot;
      negation.children.push_back(compile_object(value.get_object(), rules, under_or));
      node.children.push_back(std::move(negation));
    } else if (!key.empty() && key[0] == '$') {
      throw errors::filter_unsupported_operator(key);
    } else if (key.empty()) {
      throw errors::filter_invalid_expression("filter paths may not be empty");
    } else {
      compile_path(node, key, value, rules, under_or);
    }
  }
  return node;
}

void Filter::compile_path(Node& into, const std::string& path, const json::value& condition,
                          const FilterRules& rules, bool under_or) {
  const bool is_id = path == "_id";
  if (is_id && under_or && rules.string_ranges)
    throw errors::filter_invalid_expression(
        "cannot filter on '_id' field within '$or', ID field can not be used with '$or' operator");
  std::vector<std::pair<std::string, const json::value*>> conditions;
  if (is_operator_object(condition)) {
    for (const auto& member : condition.get_object()) conditions.emplace_back(member.key(), &member.value());
  } else {
    conditions.emplace_back("$eq", &condition);
  }
  const bool indexed = rules.indexing == nullptr || rules.indexing->indexes(path);
  for (const auto& [op, operand] : conditions) {
    if (std::find(kOperators.begin(), kOperators.end(), op) == kOperators.end())
      throw errors::filter_unsupported_operator(op);
    if (!indexed) {
      if (!is_id) throw errors::filter_path_unindexed(path);
      if (op != "$eq" && op != "$in") throw errors::filter_id_not_indexed(op);
    }
    if (op == "$in" || op == "$nin") {
      if (!operand->is_array()) throw errors::filter_invalid_expression("'" + op + "' operator must have `Array`");
      if (operand->get_array().size() > rules.max_in_values)
        throw errors::filter_invalid_expression("'" + op + "' operator must have at most " +
                                                std::to_string(rules.max_in_values) + " values");
      if (is_id)
        for (const auto& v : operand->get_array()) {
          if (!is_valid_id(v)) throw errors::filter_invalid_expression("'_id' values must be scalars");
          if (v.is_string() && v.get_string().empty()) throw errors::empty_docid();
        }
    }
    // _id operands are document ids: the empty string is none.
    if (is_id && operand->is_string() && operand->get_string().empty()) throw errors::empty_docid();
    if (op == "$exists" && !operand->is_bool())
      throw errors::filter_invalid_expression("'$exists' operator must have `Boolean` value");
    if (is_range(op)) {
      const bool number_or_date =
          operand->is_number() || (operand->is_object() && operand->get_object().contains("$date"));
      if (is_id && !rules.string_ranges && !number_or_date)
        throw errors::filter_invalid_expression(op + " operator must have `DATE` or `NUMBER` value");
      if (!number_or_date && !operand->is_string() && !operand->is_bool())
        throw errors::filter_invalid_expression(op + " operator must have `DATE` or `NUMBER` or `TEXT` or "
                                                     "`BOOLEAN` value");
    }
    Node compare;
    compare.kind = Node::Kind::kCompare;
    compare.path = path;
    compare.op = op;
    compare.operand = *operand;
    into.children.push_back(std::move(compare));
  }
}

void Filter::count(const Node& node, std::size_t& all, std::size_t& on_id) {
  if (node.kind == Node::Kind::kCompare) {
    ++all;
    if (node.path == "_id") ++on_id;
    return;
  }
  for (const auto& child : node.children) count(child, all, on_id);
}

void Filter::plan() {
  for (const auto& child : root_.children) {
    if (child.kind != Node::Kind::kCompare || child.path != "_id") continue;
    if (child.op == "$eq" || child.op == "$in") {
      std::vector<json::value> ids;
      if (child.op == "$eq") {
        if (is_valid_id(child.operand)) ids.push_back(child.operand);
      } else {
        ids.assign(child.operand.get_array().begin(), child.operand.get_array().end());
      }
      if (id_set_) {
        std::erase_if(ids, [&](const json::value& id) {
          return std::none_of(id_set_->begin(), id_set_->end(), [&](const auto& x) { return values_equal(x, id); });
        });
      }
      id_set_ = std::move(ids);
    } else if (is_range(child.op) && is_valid_id(child.operand)) {
      const auto key = id_key(child.operand);
      auto& bound = (child.op == "$gt" || child.op == "$gte") ? lower_key_ : upper_key_;
      const bool lower = &bound == &lower_key_;
      if (!bound || (lower ? key > *bound : key < *bound)) bound = key;
    }
  }
}

bool Filter::matches(const json::object& doc) const { return evaluate(root_, doc); }

bool Filter::evaluate(const Node& node, const json::object& doc) {
  switch (node.kind) {
    case Node::Kind::kAnd:
      return std::all_of(node.children.begin(), node.children.end(), [&](const Node& c) { return evaluate(c, doc); });
    case Node::Kind::kOr:
      return std::any_of(node.children.begin(), node.children.end(), [&](const Node& c) { return evaluate(c, doc); });
    case Node::Kind::kNot:
      return !evaluate(node.children.front(), doc);
    case Node::Kind::kCompare:
      break;
  }
  const json::value* field = find_path(doc, node.path);
  const auto& op = node.op;
  if (op == "$eq") return equal_or_contains(field, node.operand);
  if (op == "$ne") return !equal_or_contains(field, node.operand);
  if (op == "$in") return in_values(field, node.operand.get_array());
  if (op == "$nin") return !in_values(field, node.operand.get_array());
  if (op == "$exists") return (field != nullptr) == node.operand.get_bool();
  if (field == nullptr) return false;
  const auto c = compare_values(*field, node.operand);
  if (!c) return false;
  if (op == "$gt") return *c > 0;
  if (op == "$gte") return *c >= 0;
  if (op == "$lt") return *c < 0;
  return *c <= 0;  // $lte
}

}  // namespace bytestore::dataapi
