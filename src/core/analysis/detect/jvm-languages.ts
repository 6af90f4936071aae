import { cleanVersion, findings, framework, portsFromCode, setCommand, type ProjectContext, type StackFindings } from './context';

/** The Java version a JVM project pins outside its build file (`.java-version`, `.sdkmanrc`, `.tool-versions`). */
function javaVersionFile(ctx: ProjectContext): { version: string; file: string } | undefined {
  const plain = ctx.read('.java-version')?.trim();
  if (plain) return { version: cleanVersion(plain) ?? plain, file: '.java-version' };
  const sdkman = /^java=(\d+(?:\.\d+)*)/m.exec(ctx.read('.sdkmanrc') ?? '')?.[1];
  if (sdkman) return { version: sdkman, file: '.sdkmanrc' };
  const tools = /^java\s+\D*(\d+(?:\.\d+)*)/m.exec(ctx.read('.tool-versions') ?? '')?.[1];
  return tools ? { version: tools, file: '.tool-versions' } : undefined;
}

function jvmRuntime(f: StackFindings, ctx: ProjectContext, manifest: string): void {
  const pinned = javaVersionFile(ctx);
  f.runtime = pinned ? { value: { name: 'jvm', version: pinned.version }, confidence: 0.9, evidence: [ctx.rel(pinned.file)] } : { value: { name: 'jvm', version: null }, confidence: 0.7, evidence: [ctx.rel(manifest)] };
}

/** Clojure: Leiningen (project.clj) or the Clojure CLI with tools.build (deps.edn + build.clj). */
export function detectClojure(ctx: ProjectContext): StackFindings | undefined {
  const lein = ctx.read('project.clj');
  const deps = ctx.read('deps.edn');
  if (lein === undefined && deps === undefined) return undefined;
  const f = findings('clojars', ['clojure']);
  const text = lein ?? deps!;
  for (const m of text.matchAll(/\[([\w.-]+(?:\/[\w.-]+)?)\s+"([^"]+)"\]/g)) f.dependencies.push({ name: m[1]!, version: m[2]!, dev: false, ecosystem: 'maven', locked: false });
  for (const m of text.matchAll(/([\w.-]+\/[\w.-]+)\s+\{:mvn\/version\s+"([^"]+)"\}/g)) f.dependencies.push({ name: m[1]!, version: m[2]!, dev: false, ecosystem: 'maven', locked: false });
  const dep = (re: RegExp) => f.dependencies.find((d) => re.test(d.name));
  const manifest = lein !== undefined ? 'project.clj' : 'deps.edn';
  const ev = ctx.rel(manifest);
  jvmRuntime(f, ctx, manifest);
  const ring = dep(/^ring(\/ring-core|\/ring-jetty-adapter)?$/) ?? dep(/^(compojure|metosin\/reitit)/);
  if (ring) f.frameworks.push(framework('ring', cleanVersion(ring.version), 0.85, [ev]));
  const httpKit = dep(/^http-kit(\/http-kit)?$/);
  if (httpKit) f.frameworks.push(framework('http-kit', cleanVersion(httpKit.version), 0.85, [ev]));
  f.testFramework = { value: 'clojure-test', confidence: ctx.find(/^test\/.*\.clj[cs]?$/).length ? 0.85 : 0.6, evidence: [ev] };
  if (lein !== undefined) {
    const project = /\(defproject\s+(?:[\w.-]+\/)?([\w.-]+)\s+"([^"]+)"/.exec(lein);
    f.packageManager = { value: 'leiningen', confidence: 0.95, evidence: [ev] };
    f.buildTool = { value: 'leiningen', confidence: 0.95, evidence: [ev] };
    f.commands = { install: 'lein deps', test: 'lein test' };
    const main = /:main\s+\^?(?::skip-aot\s+)?([\w.-]+)/.exec(lein)?.[1];
    if (main) setCommand(f, 'dev', 'lein run', 0.9, [ev], `lein run starts :main ${main}`);
    setCommand(f, 'build', 'lein uberjar', 0.9, [ev], 'Leiningen builds one standalone jar with every dependency');
    if (project && main) {
      const jar = `target/uberjar/${project[1]}-${project[2]}-standalone.jar`;
      f.artifact = { kind: 'jar', path: jar };
      setCommand(f, 'start', `java -jar ${jar}`, 0.85, [ev], `the standalone jar of ${project[1]} ${project[2]} (defproject), whose :main is ${main}`);
    } else setCommand(f, 'start', null, 0.5, [ev], project ? 'project.clj names no :main, so the jar has nothing to start' : 'the project name and version (defproject) could not be read');
  } else {
    const build = ctx.read('build.clj');
    f.packageManager = { value: 'clojure', confidence: 0.9, evidence: [ev] };
    f.buildTool = { value: build !== undefined ? 'tools.build' : 'clojure', confidence: 0.9, evidence: [ctx.rel(build !== undefined ? 'build.clj' : 'deps.edn')] };
    const alias = (name: string) => new RegExp(`:${name}\\s*\\{`).test(deps!);
    f.commands = { install: 'clojure -P', test: alias('test') ? 'clojure -X:test' : null };
    const main = build ? /:main\s+'([\w.-]+)/.exec(build)?.[1] : undefined;
    if (main) setCommand(f, 'dev', `clojure -M -m ${main}`, 0.85, [ctx.rel('build.clj')], `runs the namespace ${main} (build.clj's :main)`);
    if (build !== undefined && alias('build')) {
      setCommand(f, 'build', 'clojure -T:build uber', 0.85, [ctx.rel('build.clj'), ev], "tools.build's uber task (the :build alias)");
      const lib = /\(def\s+lib\s+'(?:[\w.-]+\/)?([\w.-]+)\)/.exec(build)?.[1];
      const version = /\(def\s+version\s+"([^"]+)"\)/.exec(build)?.[1];
      const literal = /\(def\s+uber-file\s+"([^"]+)"\)/.exec(build)?.[1];
      const formatted = /\(def\s+uber-file\s+\(format\s+"([^"]+)"\s+\(name\s+lib\)\s+version\)\)/.exec(build)?.[1];
      const jar = literal ?? (formatted && lib && version ? formatted.replace('%s', lib).replace('%s', version) : undefined);
      if (jar) {
        f.artifact = { kind: 'jar', path: jar };
        setCommand(f, 'start', `java -jar ${jar}`, 0.85, [ctx.rel('build.clj')], "the uber-file of build.clj");
      } else setCommand(f, 'start', null, 0.5, [ctx.rel('build.clj')], "build.clj's uber-file could not be read");
    } else setCommand(f, 'start', null, 0.5, [ev], 'no build.clj with a :build alias: nothing builds a jar to run');
  }
  f.commandEvidence = [ev];
  // Ring's Jetty adapter and http-kit listen on 3000 and 8090 unless told otherwise.
  f.port = portsFromCode(ctx, ['clojure']) ?? (ring ? { value: 3000, confidence: 0.5, evidence: [ev] } : httpKit ? { value: 8090, confidence: 0.5, evidence: [ev] } : undefined);
  return f;
}

/** Scala: sbt (build.sbt), with sbt-assembly or sbt-native-packager deciding what runs in production. */
export function detectScala(ctx: ProjectContext): StackFindings | undefined {
  const sbt = ctx.read('build.sbt');
  if (sbt === undefined) return undefined;
  const f = findings('maven', ['scala']);
  const ev = ctx.rel('build.sbt');
  for (const m of sbt.matchAll(/"([\w.-]+)"\s+%%?%?\s+"([\w.-]+)"\s+%\s+"([^"]+)"(\s*%\s*Test)?/g)) f.dependencies.push({ name: `${m[1]}:${m[2]}`, version: m[3]!, dev: Boolean(m[4]), ecosystem: 'maven', locked: false });
  const setting = (key: string) => new RegExp(`\\b${key}\\s*:=\\s*"([^"]+)"`).exec(sbt)?.[1];
  const name = setting('name') ?? (ctx.dir === '.' ? undefined : ctx.dir.split('/').pop());
  const version = setting('version');
  const scala = setting('scalaVersion');
  jvmRuntime(f, ctx, 'build.sbt');
  f.packageManager = { value: 'sbt', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'sbt', confidence: 0.95, evidence: [ev] };
  const dep = (re: RegExp) => f.dependencies.find((d) => re.test(d.name));
  const web: [RegExp, string][] = [[/http4s-(ember|blaze)-server/, 'http4s'], [/akka-http/, 'akka-http'], [/pekko-http/, 'pekko-http'], [/cask/, 'cask']];
  for (const [re, fw] of web) {
    const d = dep(re);
    if (d) f.frameworks.push(framework(fw, cleanVersion(d.version), 0.85, [ev]));
  }
  const test = dep(/scalatest/) ? 'scalatest' : dep(/munit/) ? 'munit' : dep(/specs2/) ? 'specs2' : undefined;
  if (test) f.testFramework = { value: test, confidence: 0.9, evidence: [ev] };
  f.commands = { install: 'sbt update', test: 'sbt test' };
  f.commandEvidence = [ev];
  setCommand(f, 'dev', 'sbt run', 0.85, [ev], 'sbt run compiles and runs the main class');
  const plugins = ctx.read('project/plugins.sbt') ?? '';
  // Scala 3's build folder carries the full version; Scala 2's its binary version (2.13).
  const crossTarget = scala ? `target/scala-${scala.startsWith('3') ? scala : scala.split('.').slice(0, 2).join('.')}` : undefined;
  if (/sbt-assembly/.test(plugins)) {
    setCommand(f, 'build', 'sbt assembly', 0.9, [ctx.rel('project/plugins.sbt')], 'sbt-assembly builds one jar with every dependency');
    if (name && crossTarget) {
      const jar = `${crossTarget}/${name}-assembly-${version ?? '0.1.0-SNAPSHOT'}.jar`;
      f.artifact = { kind: 'jar', path: jar };
      setCommand(f, 'start', `java -jar ${jar}`, version ? 0.85 : 0.7, [ev, ctx.rel('project/plugins.sbt')], `the assembly jar, named by name, ${version ? 'version' : "sbt's default version 0.1.0-SNAPSHOT"} and scalaVersion of build.sbt`);
    } else setCommand(f, 'start', null, 0.5, [ev], 'name or scalaVersion of build.sbt could not be read, so neither could the jar name');
  } else if (/sbt-native-packager/.test(plugins)) {
    setCommand(f, 'build', 'sbt stage', 0.9, [ctx.rel('project/plugins.sbt')], 'sbt-native-packager stages the application with a start script');
    if (name) {
      f.artifact = { kind: 'binary', path: `target/universal/stage/bin/${name}` };
      setCommand(f, 'start', `./target/universal/stage/bin/${name}`, 0.85, [ev], "the start script sbt-native-packager stages");
    }
  } else {
    setCommand(f, 'build', 'sbt package', 0.7, [ev], 'sbt package (the jar has no dependencies in it)');
    setCommand(f, 'start', null, 0.5, [ev], 'neither sbt-assembly nor sbt-native-packager is set up (project/plugins.sbt): the packaged jar cannot run on its own');
  }
  f.port = portsFromCode(ctx, ['scala']) ?? (f.frameworks.length ? { value: 8080, confidence: 0.4, evidence: [ev] } : undefined);
  return f;
}
