// Rewriting of the portable `?` placeholders into PostgreSQL's numbered `$1..$n`, with a small
// lexer that leaves string literals, quoted identifiers, dollar-quoted bodies and comments alone.
#pragma once

#include <string>
#include <string_view>

namespace tamkine::storage::postgres {

struct RewrittenSql {
  std::string sql;
  int placeholders = 0;
};

// Replaces each `?` outside '…' and E'…' strings, "…" identifiers, $tag$…$tag$ bodies, -- line
// and /* nested */ block comments with $1, $2, … in order. Every other byte is copied unchanged;
// unterminated quotes or comments run to the end (the server then reports the syntax error).
// PostgreSQL's jsonb `?` operators are therefore unavailable through the Store.
RewrittenSql RewritePlaceholders(std::string_view sql);

}  // namespace tamkine::storage::postgres
