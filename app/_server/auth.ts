import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { isSignetError } from "@/lib/engine/errors";
import { readSettings } from "@/lib/config/settings";
import { getDb } from "@/lib/db/client";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { signInWithPasskey } from "@/lib/auth/passkeys/passkey-sign-in";
import { endSession, isSessionLive, startSession } from "@/lib/auth/sessions";
import { log } from "@/lib/log/logger";
import { requestMetaFrom } from "@/app/_server/request-meta";

/** Carries our typed error code to the sign-in action; Auth.js puts `code` in URLs, so it is never sensitive. */
export class SignetCredentialsSignin extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

// The lazy form: importing this module (as `next build` does) opens no database.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: process.env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: readSettings().sessionMaxAgeHours * 3600 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  logger: {
    error(error: Error) {
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") return;
      log.error({ err: { name: error.name, message: error.message } }, "auth error");
    },
    warn(code: string) {
      log.warn({ code }, "auth warning");
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const email = typeof credentials.email === "string" ? credentials.email : "";
        const password = typeof credentials.password === "string" ? credentials.password : "";
        try {
          const user = await signInWithPassword(await getDb(), email, password, requestMetaFrom(request.headers));
          return { id: user.id, email: user.email, name: user.name };
        } catch (error) {
          if (isSignetError(error)) throw new SignetCredentialsSignin(error.code);
          throw error;
        }
      },
    }),
    // Passkey sign-in (discoverable credentials): the assertion answers a server-stored,
    // single-use challenge; lib/auth/passkeys/passkey-sign-in.ts checks everything.
    Credentials({
      id: "passkey",
      name: "Passkey",
      credentials: { challengeId: { label: "Challenge" }, response: { label: "WebAuthn response (JSON)" } },
      async authorize(credentials, request) {
        const challengeId = typeof credentials.challengeId === "string" ? credentials.challengeId : "";
        const response = parseJson(typeof credentials.response === "string" ? credentials.response : "");
        try {
          const user = await signInWithPasskey(
            await getDb(),
            { challengeId, response },
            requestMetaFrom(request.headers),
          );
          return { id: user.id, email: user.email, name: user.name };
        } catch (error) {
          if (isSignetError(error)) throw new SignetCredentialsSignin(error.code);
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    // Runs whenever a session is read (auth(), /api/auth/session): a cookie is honoured only
    // while its server-side record (lib/auth/sessions.ts) is live, so sign-out, "sign out
    // everywhere" and a password change take effect on the next request. Returning null
    // makes Auth.js treat the request as signed out.
    async jwt({ token, user }) {
      const maxAge = readSettings().sessionMaxAgeHours * 3600;
      if (user?.id !== undefined) {
        token.sub = user.id;
        token.sid = await startSession(await getDb(), user.id, maxAge);
        return token;
      }
      if (typeof token.sid !== "string" || typeof token.sub !== "string") return null;
      return (await isSessionLive(await getDb(), token.sid, token.sub, maxAge)) ? token : null;
    },
    session({ session, token }) {
      if (token.sub !== undefined) session.user.id = token.sub;
      if (typeof token.sid === "string") session.sessionId = token.sid;
      return session;
    },
  },
  events: {
    // Auth.js's own sign-out endpoint ends the server-side record too (our action does it itself).
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (typeof token?.sid === "string" && typeof token.sub === "string")
        await endSession(await getDb(), token.sub, token.sid);
    },
  },
}));

declare module "next-auth" {
  interface Session {
    /** The server-side session record this cookie belongs to (lib/auth/sessions.ts). */
    sessionId?: string;
  }
}

/** A WebAuthn response is a few kilobytes of JSON; anything larger or unparsable is refused by the schema. */
function parseJson(text: string): unknown {
  if (text.length === 0 || text.length > 65_536) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
