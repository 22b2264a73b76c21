// Users: staff accounts, their unit memberships and roles. Administrators manage them; unit heads
// see and may disable the members of their own units. Disabling a user ends their sessions at
// once, in the same transaction.
#pragma once

#include <optional>
#include <vector>

#include "access/subject.h"
#include "common/status.h"
#include "identity/deps.h"
#include "identity/model.h"

namespace tamkine::identity {

class UserService {
 public:
  explicit UserService(Deps deps) : deps_(deps) {}

  // AlreadyExists (field "username") when the username is taken; InvalidArgument naming the
  // field for a weak password, an unknown unit or role, or malformed contact details.
  StatusOr<User> Create(const access::RequestContext& ctx, const UserInput& in);
  StatusOr<User> Update(const access::RequestContext& ctx, const std::string& id,
                        const UserPatch& patch);
  // Replaces all memberships (at least one).
  StatusOr<User> SetMemberships(const access::RequestContext& ctx, const std::string& id,
                                const std::vector<MembershipInput>& memberships);
  // Disabling deletes every session of the user in the same transaction.
  StatusOr<User> SetActive(const access::RequestContext& ctx, const std::string& id, bool active);
  StatusOr<User> Get(const access::RequestContext& ctx, const std::string& id);
  // Administrators: all users or those of `unit_id`; unit heads: `unit_id` must be theirs.
  StatusOr<std::vector<User>> List(const access::RequestContext& ctx,
                                   const std::optional<std::string>& unit_id);

  // Creates a user without an acting subject (first administrator, demo seeding); audited as
  // "system". Optionally enrols TOTP with a given secret.
  StatusOr<User> CreateBootstrap(const UserInput& in,
                                 const std::optional<std::vector<uint8_t>>& totp_secret);

 private:
  Status ValidateInput(UserInput* in);
  Status Insert(storage::Tx& tx, const User& u, const std::string& password_hash,
                const std::optional<std::vector<uint8_t>>& totp_secret);
  Deps deps_;
};

// Loads a user with memberships (and the units' sector and place). Returns nullopt if absent.
StatusOr<std::optional<User>> LoadUser(storage::Tx& tx, const crypto::Keyring& keyring,
                                       const std::string& id);
StatusOr<std::vector<access::Membership>> LoadMemberships(storage::Tx& tx,
                                                          const std::string& user_id);
Status ValidateMemberships(storage::Tx& tx, const std::vector<MembershipInput>& ms);

}  // namespace tamkine::identity
