// Internal to the coordination services: the SQL of work items, their attached documents and the
// instruction catalogue. Callers authorize and audit; sealing of free text happens here, bound to
// (work_items, column, id).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "coordination/model.h"
#include "storage/store.h"

namespace tamkine::crypto {
class Keyring;
}

namespace tamkine::coordination::internal {

StatusOr<std::optional<InstructionType>> LoadType(storage::Tx& tx, const std::string& code);
StatusOr<std::vector<InstructionType>> ListTypes(storage::Tx& tx);
// AlreadyExists naming "code" when the code is taken.
Status InsertType(storage::Tx& tx, const InstructionType& t, Micros now);

// Inserts a new item (version 1) with its sealed note.
Status InsertItem(storage::Tx& tx, const crypto::Keyring& k, const WorkItem& w);

// The item with its case's reference code, unit names and documents; the sealed text is opened
// only when `open_text`. nullopt when absent.
StatusOr<std::optional<WorkItem>> LoadItem(storage::Tx& tx, const crypto::Keyring& k,
                                           const std::string& id, bool open_text);

// Items matching `where` (SQL over the alias w, with `?` placeholders), ordered by `order`,
// without their sealed text or documents.
StatusOr<std::vector<WorkItem>> QueryItems(storage::Tx& tx, const std::string& where,
                                           const storage::Params& params, const std::string& order,
                                           int limit);

// Writes the item's state and its timestamps, outcome and refusal (sealed) and bumps the version,
// only if the row is still at `expected_version`: Aborted when another writer got there first.
Status UpdateItem(storage::Tx& tx, const crypto::Keyring& k, const WorkItem& w,
                  int64_t expected_version);

// Attaches case documents to an item. InvalidArgument naming "document_ids[i]" for a document
// that does not exist or belongs to another case.
Status AttachDocuments(storage::Tx& tx, const WorkItem& w, const std::vector<std::string>& ids,
                       const std::string& user_id, Micros now);

// The prosecution unit in charge of a case: one holding her consent, the holder or opening unit,
// one that received an intake, else the prosecution unit of the case's province.
StatusOr<std::optional<std::string>> ProsecutionUnitOf(storage::Tx& tx, const std::string& case_id,
                                                       const std::string& holder_unit_id,
                                                       const std::string& created_by_unit_id,
                                                       const std::string& province_code);

}  // namespace tamkine::coordination::internal
