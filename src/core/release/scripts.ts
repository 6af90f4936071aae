import { shellQuote } from './hosts/host';

/**
 * The shell scripts a release runs on a target (POSIX sh, util-linux `setsid`, `ss` from iproute2
 * when present). Both kinds of target run the same scripts, so the local target exercises exactly
 * what an SSH server gets. Every script starts with `B=<the target's folder>`; the layout under it:
 *
 *   releases/<id>/     one folder per release (`<id>.partial` while it is being unpacked)
 *   shared/            files and folders linked into every release (.env, storage/) — never sent from here
 *   current            symlink to releases/<id>, replaced atomically (a new link renamed over it)
 *   run/               pid files: app.pid (the supervised application), <step>.pid (a running step command)
 *   logs/app.log       the supervised application's output
 *   .deploy-agent.lock who is releasing to this target now
 */

/** `B=…;` for the target's folder; a leading `~/` is the remote user's home. */
export function base(path: string): string {
  const value = path === '~' ? '"$HOME"' : path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
  return `B=${value}; `;
}

/** `releases/`, `shared/`, `run/`, `logs/` exist and are writable by this user. */
export function prepareLayout(path: string): string {
  return `${base(path)}mkdir -p "$B/releases" "$B/shared" "$B/run" "$B/logs" && test -w "$B/releases" && echo ok`;
}

const LOAD_ENV = 'if [ -f .env ]; then set -a; . ./.env; set +a; fi';

/**
 * Is process group $1 alive? Zombies do not count: they wait for their new parent (init) to reap
 * them, which some containers' init does only every second or so.
 */
const GROUP_ALIVE = `ga() { if command -v ps >/dev/null 2>&1; then ps -e -o pgid=,stat= 2>/dev/null | awk -v p="$1" '$1==p && $2 !~ /^Z/ {f=1} END {exit !f}'; else kill -0 -"$1" 2>/dev/null; fi; }; `;

/** Ends the process group recorded in a pid file if it still runs (TERM, then KILL after `graceTenths` × 0.1 s). */
function stopGroup(pidFile: string, graceTenths = 100): string {
  return (
    `${GROUP_ALIVE}if [ -f ${pidFile} ]; then p=$(cat ${pidFile}); ` +
    `if [ -n "$p" ] && ga "$p"; then kill -TERM -"$p" 2>/dev/null; i=0; ` +
    `while ga "$p" && [ $i -lt ${graceTenths * 4} ]; do sleep 0.025; i=$((i+1)); done; kill -KILL -"$p" 2>/dev/null; fi; rm -f ${pidFile}; fi`
  );
}

/**
 * Runs a step's command in `dir` (relative to B) as its own process group whose id is kept in
 * run/<step>.pid while it runs: a leftover of a client that died (SIGKILL, a cut connection) is
 * ended before the step runs again, and a cancel ends the whole tree. The release's `.env`
 * (linked from shared/) is loaded first, as for the application.
 */
export function stepCommand(path: string, step: string, dir: string, command: string): string {
  const pid = `"$B/run/${step}.pid"`;
  return (
    `${base(path)}mkdir -p "$B/run"; ${stopGroup(pid, 30)}; ` +
    `S=; command -v setsid >/dev/null 2>&1 && S='setsid -w'; ` +
    `$S sh -c 'echo $$ > "$1"; cd "$2" || exit 97; ${LOAD_ENV.replace(/'/g, `'\\''`)}; exec sh -c "$3"' deploy-agent-${step} ${pid} "$B/${dir}" ${shellQuote(command)}; ` +
    `code=$?; rm -f ${pid}; exit $code`
  );
}

/** Ends a step command left running (a cancel; a resume after the client died). */
export function stopStep(path: string, step: string): string {
  return `${base(path)}${stopGroup(`"$B/run/${step}.pid"`, 30)}; true`;
}

/**
 * The built-in supervisor: the application started in `current` in a new session (so it outlives
 * the SSH connection and can be stopped as a group), restarted a second later whenever it exits,
 * its output appended to logs/app.log, its group id in run/app.pid.
 */
export function startApp(path: string, command: string): string {
  const pid = '"$B/run/app.pid"';
  const loop = `echo $$ > "$1"; ${LOAD_ENV}; while :; do sh -c "$2"; echo "deploy-agent: the application exited with status $?; starting it again in 1 s"; sleep 1; done`;
  return (
    `${base(path)}mkdir -p "$B/run" "$B/logs"; cd "$B/current" || { echo "deploy-agent: $B/current does not exist"; exit 97; }; ${stopGroup(pid)}; ` +
    `S=; command -v setsid >/dev/null 2>&1 && S=setsid; ` +
    `echo "deploy-agent: starting $(readlink "$B/current") at $(date -u +%FT%TZ)" >> "$B/logs/app.log"; ` +
    `nohup $S sh -c ${shellQuote(loop)} deploy-agent-app ${pid} ${shellQuote(command)} >> "$B/logs/app.log" 2>&1 < /dev/null & ` +
    `i=0; while [ ! -s ${pid} ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; cat ${pid}`
  );
}

export function stopApp(path: string): string {
  return `${base(path)}${stopGroup('"$B/run/app.pid"')}; true`;
}

/** The last lines of the application's log (what a failed health check is matched against). */
export function appLogTail(path: string, lines = 60): string {
  return `${base(path)}tail -n ${lines} "$B/logs/app.log" 2>/dev/null; true`;
}

/**
 * Who listens on `port`: one line per process, `pid<TAB>pgid<TAB>cwd<TAB>command`, and the
 * supervised application's group as `app<TAB>pgid`. `ss` names the process; without it
 * (or without the right to see it) a line `unknown` says only that the port is taken.
 */
export function portHolders(path: string, port: number): string {
  return (
    `${base(path)}[ -f "$B/run/app.pid" ] && printf 'app\\t%s\\n' "$(cat "$B/run/app.pid")"; ` +
    `if command -v ss >/dev/null 2>&1; then out=$(ss -ltnpH "sport = :${port}" 2>/dev/null); ` +
    `[ -n "$out" ] || exit 0; pids=$(printf '%s' "$out" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); ` +
    `[ -n "$pids" ] || { echo unknown; exit 0; }; for p in $pids; do ` +
    `g=$(sed 's/.*) //' /proc/$p/stat 2>/dev/null | cut -d' ' -f3); ` +
    `printf '%s\\t%s\\t%s\\t%s\\n' "$p" "$g" "$(readlink /proc/$p/cwd 2>/dev/null)" "$(tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-200)"; done; ` +
    `else echo no-ss; fi`
  );
}

/** Free space (KiB) where the target's folder is (or will be: its nearest existing parent; `release check` creates nothing). */
export function diskFree(path: string): string {
  return `${base(path)}d="$B"; while [ ! -d "$d" ]; do d=$(dirname "$d"); done; df -Pk "$d" | awk 'NR==2 {print $4}'`;
}

/**
 * The release's archive (a tar stream on stdin) unpacked into releases/<id>.partial, then renamed
 * to releases/<id>: a release folder exists only complete. `REVISION` names the commit.
 */
export function unpack(path: string, release: string, commit: string): string {
  const dir = `"$B/releases/${release}"`;
  return (
    `${base(path)}if [ -d ${dir} ]; then cat > /dev/null; echo exists; exit 0; fi; ` +
    `rm -rf "$B/releases/${release}.partial" && mkdir -p "$B/releases/${release}.partial" && tar -x -f - -C "$B/releases/${release}.partial" && ` +
    `printf '%s\\n' ${shellQuote(commit)} > "$B/releases/${release}.partial/REVISION" && mv "$B/releases/${release}.partial" ${dir} && echo unpacked`
  );
}

/** Does releases/<id> exist complete? Removes a `.partial` left by a client that died mid-upload. */
export function releaseExists(path: string, release: string): string {
  return `${base(path)}rm -rf "$B/releases/${release}.partial"; [ -d "$B/releases/${release}" ] && echo yes || echo no`;
}

/**
 * Links each shared entry into the release: a folder (trailing `/`) is created in shared/ when
 * missing; a file that is missing in shared/ is reported and not linked. What the repository has
 * at that path is replaced by the link.
 */
export function linkShared(path: string, release: string, entries: readonly string[]): string {
  const lines = entries.map((entry) => {
    const folder = entry.endsWith('/');
    const rel = entry.replace(/\/+$/, '');
    const q = shellQuote(rel);
    const src = `"$B/shared/"${q}`;
    const dst = `"$B/releases/${release}/"${q}`;
    const ensure = folder ? `mkdir -p ${src}; ` : `if [ ! -e ${src} ]; then echo "missing ${rel}"; else `;
    const end = folder ? '' : ' fi;';
    return `${ensure}mkdir -p "$(dirname ${dst})" && rm -rf ${dst} && ln -s ${src} ${dst} && echo "linked ${rel}";${end}`;
  });
  return `${base(path)}${lines.join(' ')} true`;
}

/** The values of the shared env files (`KEY=value` lines): read into memory to be masked, never stored. */
export function sharedEnvValues(path: string, entries: readonly string[]): string {
  const files = entries.filter((e) => !e.endsWith('/') && /(^|\/)\.env($|\.)|\.env$/.test(e));
  if (!files.length) return 'true';
  return `${base(path)}for f in ${files.map((f) => `"$B/shared/"${shellQuote(f)}`).join(' ')}; do [ -f "$f" ] && cat "$f"; done; true`;
}

/** Points `current` at releases/<id>: a new symlink made beside it and renamed over it (rename is atomic). */
export function switchCurrent(path: string, release: string): string {
  return (
    `${base(path)}[ -d "$B/releases/${release}" ] || { echo "deploy-agent: releases/${release} does not exist"; exit 96; }; ` +
    `ln -sfn "releases/${release}" "$B/.current-${release}" && mv -fT "$B/.current-${release}" "$B/current" 2>/dev/null || ` +
    `{ python3 -c 'import os,sys; os.replace(sys.argv[1], sys.argv[2])' "$B/.current-${release}" "$B/current"; }; readlink "$B/current"`
  );
}

/** `current` (the release it points at, or nothing) and every release folder, oldest first. */
export function listReleases(path: string): string {
  return `${base(path)}printf 'current\\t%s\\n' "$(readlink "$B/current" 2>/dev/null | sed 's#.*/##')"; ls -1 "$B/releases" 2>/dev/null | grep -v '\\.partial$' | LC_ALL=C sort | sed 's/^/release\\t/'; true`;
}

/** Removes the named release folders (never the one `current` points at). */
export function removeReleases(path: string, releases: readonly string[]): string {
  if (!releases.length) return 'true';
  return `${base(path)}cur=$(readlink "$B/current" 2>/dev/null | sed 's#.*/##'); for r in ${releases.map(shellQuote).join(' ')}; do [ "$r" = "$cur" ] || rm -rf "$B/releases/$r" "$B/releases/$r.partial"; done; true`;
}

/** The lock: created with noclobber (one writer wins), holding who took it. */
export function takeLock(path: string, holder: string): string {
  return `${base(path)}mkdir -p "$B" && ( set -C; printf '%s\\n' ${shellQuote(holder)} > "$B/.deploy-agent.lock" ) 2>/dev/null && echo taken || { echo held; cat "$B/.deploy-agent.lock" 2>/dev/null; }`;
}

export function readLock(path: string): string {
  return `${base(path)}cat "$B/.deploy-agent.lock" 2>/dev/null; true`;
}

/** Removes the lock only when it still holds `deploymentId` (never someone else's). */
export function releaseLock(path: string, deploymentId: string): string {
  return `${base(path)}grep -q ${shellQuote(`"deploymentId":"${deploymentId}"`)} "$B/.deploy-agent.lock" 2>/dev/null && rm -f "$B/.deploy-agent.lock"; true`;
}

export function forceRemoveLock(path: string): string {
  return `${base(path)}rm -f "$B/.deploy-agent.lock"; true`;
}

/** Is the process `pid` alive on the target? */
export function processAlive(pid: number): string {
  return `kill -0 ${Math.trunc(pid)} 2>/dev/null && echo alive || echo gone`;
}

/** A command run in the current release (the user's `restart`, a metrics command). */
export function inCurrent(path: string, step: string, command: string): string {
  return stepCommand(path, step, 'current', command);
}
