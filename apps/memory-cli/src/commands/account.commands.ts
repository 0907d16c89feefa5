import { randomBytes } from 'node:crypto';
import { CreateUserDto, UserAdministration } from '@memory-system/auth';
import { validateAs } from '@memory-system/core';
import { type CliCommand, listed, option } from './command.js';

const USER_ACTIONS = ['list', 'create', 'disable', 'enable', 'reset-password'];
const KEY_ACTIONS = ['list', 'revoke'];

/** Accounts and keys, on the admin API's own code: the way in when no admin can log in. */
export const accountCommands: Record<string, CliCommand> = {
  users: {
    usage: [
      ['users list', 'every user (id, name, role, disabled)'],
      [
        'users create <name> [--role admin|user]',
        'create a user; prints a generated password once',
      ],
      ['users disable|enable <name>', "stop or restore a user (a disabled one's logins end)"],
      [
        'users reset-password <name> [--revoke-keys]',
        'set a generated password (printed once), end logins; keys keep working unless revoked',
      ],
    ],
    check: ({ words }) => {
      const [action, name] = words;
      if (!action || !USER_ACTIONS.includes(action)) {
        return `users needs one of: ${USER_ACTIONS.join(', ')}.`;
      }
      return action !== 'list' && !name ? `users ${action} needs a user name.` : undefined;
    },
    run: async (app, line) => {
      const admin = app.get(UserAdministration);
      const [action, name] = line.words as [string, string];
      switch (action) {
        case 'list': {
          const users = await admin.listUsers();
          for (const user of users)
            console.log(
              `${user.id}\t${user.username}\t${user.role}${user.disabled ? '\tdisabled' : ''}`,
            );
          listed(users.length, 'user');
          return;
        }
        case 'create': {
          const password = randomBytes(18).toString('base64url');
          // The API's own rules for names and roles.
          const input = await validateAs(CreateUserDto, {
            username: name,
            password,
            role: option(line, 'role') ?? 'user',
          });
          const user = await admin.create(input.username, input.password, input.role);
          console.log(`Created ${user.role} ${user.username} (${user.id}); password: ${password}`);
          return;
        }
        case 'disable':
        case 'enable': {
          const user = await admin.find(name);
          await admin.update(user.id, { disabled: action === 'disable' });
          console.log(`${action === 'disable' ? 'Disabled' : 'Enabled'} ${user.username}`);
          return;
        }
        case 'reset-password': {
          const user = await admin.find(name);
          const { password, apiKeysStillWorking } = await admin.resetPassword(user.id, {
            revokeApiKeys: line.options.has('revoke-keys'),
          });
          console.log(
            `New password for ${user.username}: ${password} (every login session ended; ` +
              `${apiKeysStillWorking} API key(s) still work${apiKeysStillWorking ? ': add --revoke-keys to end them' : ''})`,
          );
          return;
        }
      }
    },
  },
  'api-keys': {
    usage: [
      ['api-keys list [--user <name>]', 'every API key (id, owner, name, scopes; no secret)'],
      ['api-keys revoke <id>', "revoke any user's key at once"],
    ],
    check: ({ words }) => {
      const [action, id] = words;
      if (!action || !KEY_ACTIONS.includes(action)) {
        return `api-keys needs one of: ${KEY_ACTIONS.join(', ')}.`;
      }
      return action === 'revoke' && !id ? 'api-keys revoke needs a key id.' : undefined;
    },
    run: async (app, line) => {
      const admin = app.get(UserAdministration);
      const [action, id] = line.words as [string, string];
      if (action === 'revoke') {
        await admin.revokeKey(id);
        console.log(`Revoked ${id}`);
        return;
      }
      const userName = option(line, 'user');
      const owner = userName ? await admin.find(userName) : undefined;
      const names = new Map<string, string>();
      const keys = await admin.listKeys(owner?.id);
      for (const key of keys) {
        if (!names.has(key.userId)) {
          names.set(
            key.userId,
            (await admin.find(key.userId).catch(() => undefined))?.username ?? '?',
          );
        }
        console.log(
          `${key.id}\t${names.get(key.userId)}\t${key.name}\t${key.scopes.join(',')}\t${key.prefix}\tlast used ${key.lastUsedAt ?? 'never'}`,
        );
      }
      listed(keys.length, 'API key');
    },
  },
};
