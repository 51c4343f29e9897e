// A certified OpenID provider (node-oidc-provider) for tertial's single sign-on tests.
// Configured by environment: PORT, ISSUER (defaults to http://127.0.0.1:PORT), CLIENTS
// (JSON list of client_id, client_secret, redirect_uris, post_logout_redirect_uris,
// token_endpoint_auth_method) and ACCOUNTS (JSON: id -> claims). Its development sign-in
// pages take any account id as the login with any password. Prints "ready" when it listens.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || "{}");
const clients = JSON.parse(process.env.CLIENTS);

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ["authorization_code"],
    response_types: ["code"],
    ...client,
  })),
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username", "groups"],
  },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["tertial-test-provider"] },
  ttl: { AuthorizationCode: Number(process.env.CODE_SECONDS || 60) },
});
provider.listen(port, "127.0.0.1", () => console.log("ready"));
