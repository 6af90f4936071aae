import { cleanVersion, findings, framework, portsFromCode, setCommand, type ProjectContext, type StackFindings } from './context';

type Toml = Record<string, unknown>;
const table = (value: unknown): Toml => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Toml) : {});

/** Go modules: go.mod (exact versions already), gin / echo / fiber / chi. */
export function detectGo(ctx: ProjectContext): StackFindings | undefined {
  const mod = ctx.read('go.mod');
  if (mod === undefined) return undefined;
  const f = findings('go', ['go']);
  const ev = ctx.rel('go.mod');
  const requires: string[] = [];
  for (const block of mod.matchAll(/^require\s*\(([\s\S]*?)^\)/gm)) requires.push(...block[1]!.split('\n'));
  for (const line of mod.matchAll(/^require\s+([^(\s].*)$/gm)) requires.push(line[1]!);
  for (const line of requires) {
    const m = /^\s*([\w./~-]+)\s+(v[\w.+-]+)(\s*\/\/\s*indirect)?/.exec(line);
    if (m && !m[3]) f.dependencies.push({ name: m[1]!, version: m[2]!, dev: false, ecosystem: 'go', locked: true });
  }
  const fw: [RegExp, string, number | null][] = [[/^github\.com\/gin-gonic\/gin$/, 'gin', 8080], [/^github\.com\/labstack\/echo(\/v\d+)?$/, 'echo', null], [/^github\.com\/gofiber\/fiber(\/v\d+)?$/, 'fiber', 3000], [/^github\.com\/go-chi\/chi(\/v\d+)?$/, 'chi', null]];
  let defaultPort: number | null = null;
  for (const [re, name, port] of fw) {
    const d = f.dependencies.find((x) => re.test(x.name));
    if (d) {
      f.frameworks.push(framework(name, cleanVersion(d.version), 0.9, [ev]));
      defaultPort ??= port;
    }
  }
  const goVersion = /^go\s+([\d.]+)/m.exec(mod)?.[1] ?? null;
  const toolchain = /^toolchain\s+go([\d.]+)/m.exec(mod)?.[1];
  f.runtime = { value: { name: 'go', version: toolchain ?? goVersion }, confidence: goVersion ? 0.95 : 0.8, evidence: [ev] };
  f.packageManager = { value: 'go', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'go', confidence: 0.95, evidence: [ev] };
  const mains = ctx.find(/^cmd\/[^/]+\/main\.go$/);
  const rootMain = ctx.has('main.go') || ctx.find(/^[^/]+\.go$/).some((x) => !x.path.endsWith('_test.go') && /^package main\b/m.test(ctx.read(ctx.local(x.path)) ?? ''));
  const pkg = rootMain ? '.' : mains[0] ? `./${ctx.local(mains[0].path).replace(/\/main\.go$/, '')}` : null;
  f.commands = { install: 'go mod download', build: 'go build ./...', test: 'go test ./...' };
  f.commandEvidence = [ev];
  if (pkg) {
    const module = /^module\s+(\S+)/m.exec(mod)?.[1] ?? 'app';
    const name = pkg === '.' ? module.replace(/\/v\d+$/, '').split('/').pop()! : pkg.split('/').pop()!;
    const evidence = [rootMain ? ev : mains[0]!.path];
    f.artifact = { kind: 'binary', path: `bin/${name}` };
    setCommand(f, 'build', `go build -o bin/${name} ${pkg}`, 0.9, evidence, `the main package ${pkg === '.' ? 'at the module root' : pkg} compiled to one binary, named after ${pkg === '.' ? 'the module' : 'its folder'}`);
    setCommand(f, 'start', `./bin/${name}`, 0.9, evidence, 'the compiled binary');
    setCommand(f, 'dev', `go run ${pkg}`, 0.9, evidence, 'go run compiles and runs the main package');
  } else setCommand(f, 'start', null, 0.8, [ev], 'no main package: a library module runs nothing');
  f.testFramework = { value: 'go-test', confidence: ctx.files.some((x) => x.path.endsWith('_test.go')) ? 0.95 : 0.7, evidence: [ev] };
  const codePort = portsFromCode(ctx, ['go']);
  if (codePort) f.port = codePort;
  else if (defaultPort) f.port = { value: defaultPort, confidence: 0.5, evidence: [ev] };
  return f;
}

/** Rust: Cargo.toml (+ Cargo.lock), actix-web / axum / rocket. */
export function detectRust(ctx: ProjectContext): StackFindings | undefined {
  const cargo = ctx.toml('Cargo.toml');
  if (!cargo) return undefined;
  const f = findings('cargo', ['rust']);
  const ev = ctx.rel('Cargo.toml');
  const locked = new Map<string, string>();
  for (const m of (ctx.read('Cargo.lock') ?? '').matchAll(/\[\[package\]\]\s*\nname\s*=\s*"([^"]+)"\s*\nversion\s*=\s*"([^"]+)"/g)) if (!locked.has(m[1]!)) locked.set(m[1]!, m[2]!);
  for (const [section, dev] of [['dependencies', false], ['dev-dependencies', true]] as const) {
    for (const [name, spec] of Object.entries(table(cargo[section]))) {
      const declared = typeof spec === 'string' ? spec : typeof table(spec).version === 'string' ? (table(spec).version as string) : null;
      f.dependencies.push({ name, version: locked.get(name) ?? declared, dev, ecosystem: 'cargo', locked: locked.has(name) });
    }
  }
  for (const [dep, name] of [['actix-web', 'actix'], ['axum', 'axum'], ['rocket', 'rocket'], ['warp', 'warp']] as const) {
    const d = f.dependencies.find((x) => x.name === dep);
    if (d) f.frameworks.push(framework(name, cleanVersion(d.version), 0.9, [ev]));
  }
  const toolchainFile = ['rust-toolchain.toml', 'rust-toolchain'].find((x) => ctx.has(x));
  const channel = toolchainFile ? (/channel\s*=\s*"([^"]+)"/.exec(ctx.read(toolchainFile) ?? '')?.[1] ?? ctx.read(toolchainFile)?.trim()) : undefined;
  const rv = (table(cargo.package)['rust-version'] as string | undefined) ?? channel;
  f.runtime = { value: { name: 'rust', version: rv ?? null }, confidence: rv ? 0.9 : 0.8, evidence: [toolchainFile ? ctx.rel(toolchainFile) : ev] };
  f.packageManager = { value: 'cargo', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'cargo', confidence: 0.95, evidence: [ev] };
  const isWorkspace = Boolean(cargo.workspace) && !cargo.package;
  f.commands = { install: 'cargo fetch', test: 'cargo test' };
  f.commandEvidence = [ev];
  setCommand(f, 'build', 'cargo build --release', 0.95, [ev], 'an optimised build into target/release');
  const bins = Array.isArray(cargo.bin) ? (cargo.bin as Toml[]).map((b) => b.name).filter((n): n is string => typeof n === 'string') : [];
  const binName = bins[0] ?? (ctx.has('src/main.rs') ? (table(cargo.package).name as string | undefined) : undefined);
  if (!isWorkspace && binName) {
    f.artifact = { kind: 'binary', path: `target/release/${binName}` };
    setCommand(f, 'start', `./target/release/${binName}`, 0.9, [ev], bins[0] ? `the first [[bin]] of Cargo.toml, built in release mode` : 'the package\'s binary (src/main.rs), built in release mode');
    setCommand(f, 'dev', 'cargo run', 0.9, [ev], 'cargo run builds and runs the binary in debug mode');
  } else setCommand(f, 'start', null, 0.8, [ev], isWorkspace ? 'a Cargo workspace: each member crate has its own binary' : 'no binary target (src/main.rs or [[bin]]): a library runs nothing');
  f.testFramework = { value: 'cargo-test', confidence: 0.85, evidence: [ev] };
  const codePort = portsFromCode(ctx, ['rust']);
  if (codePort) f.port = codePort;
  return f;
}

/** Java / Kotlin: Maven or Gradle, Spring Boot / Quarkus / Micronaut. */
export function detectJvm(ctx: ProjectContext): StackFindings | undefined {
  const pom = ctx.read('pom.xml');
  const gradleFile = ['build.gradle.kts', 'build.gradle'].find((g) => ctx.has(g));
  const gradle = gradleFile ? ctx.read(gradleFile) : undefined;
  if (pom === undefined && gradle === undefined) return undefined;
  const f = findings('maven', ['java', 'kotlin', 'scala', 'groovy']);
  const ev = ctx.rel(pom !== undefined ? 'pom.xml' : gradleFile!);
  let bootVersion: string | null = null;
  let quarkusVersion: string | null;
  let javaVersion: string | null;
  let jar: string | undefined;
  let jarWhy: string;
  if (pom !== undefined) {
    const props = new Map<string, string>();
    for (const m of pom.matchAll(/<([\w.-]+)>([^<]*)<\/\1>/g)) if (!props.has(m[1]!)) props.set(m[1]!, m[2]!.trim());
    const resolve = (v: string | undefined) => (v ? v.replace(/\$\{([^}]+)\}/g, (_, k: string) => props.get(k) ?? _) : undefined);
    for (const m of pom.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
      const body = m[1]!;
      const g = /<groupId>([^<]+)<\/groupId>/.exec(body)?.[1]?.trim();
      const a = /<artifactId>([^<]+)<\/artifactId>/.exec(body)?.[1]?.trim();
      if (!g || !a) continue;
      f.dependencies.push({ name: `${g}:${a}`, version: resolve(/<version>([^<]+)<\/version>/.exec(body)?.[1]?.trim()) ?? null, dev: /<scope>test<\/scope>/.test(body), ecosystem: 'maven', locked: false });
    }
    const parent = /<parent>([\s\S]*?)<\/parent>/.exec(pom)?.[1] ?? '';
    if (/spring-boot/.test(parent)) bootVersion = /<version>([^<]+)<\/version>/.exec(parent)?.[1] ?? null;
    quarkusVersion = resolve(props.get('quarkus.platform.version')) ?? null;
    javaVersion = props.get('java.version') ?? props.get('maven.compiler.release') ?? props.get('maven.compiler.source') ?? null;
    const wrapper = ctx.has('mvnw') ? './mvnw' : 'mvn';
    f.packageManager = { value: 'maven', confidence: 0.95, evidence: [ev] };
    f.buildTool = { value: 'maven', confidence: 0.95, evidence: [ev] };
    f.commands = { install: `${wrapper} -B dependency:go-offline`, build: `${wrapper} -B package`, test: `${wrapper} -B test` };
    const own = pom.replace(/<parent>[\s\S]*?<\/parent>/, '').replace(/<dependencies>[\s\S]*?<\/dependencies>/g, '').replace(/<build>[\s\S]*$/, '');
    const artifactId = /<artifactId>([^<]+)<\/artifactId>/.exec(own)?.[1]?.trim();
    const version = resolve(/<version>([^<]+)<\/version>/.exec(own)?.[1]?.trim());
    const finalName = resolve(/<finalName>([^<]+)<\/finalName>/.exec(pom)?.[1]?.trim());
    jar = finalName ? `target/${finalName}.jar` : artifactId ? `target/${artifactId}${version ? `-${version}` : ''}.jar` : undefined;
    jarWhy = finalName ? 'the <finalName> of pom.xml' : `artifactId${version ? ' and version' : ''} of pom.xml`;
  } else {
    for (const m of gradle!.matchAll(/\b(implementation|api|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|kapt)\s*\(?\s*["']([\w.-]+):([\w.-]+)(?::([\w.${}-]+))?["']/g)) {
      f.dependencies.push({ name: `${m[2]}:${m[3]}`, version: m[4] ?? null, dev: m[1]!.startsWith('test'), ecosystem: 'maven', locked: false });
    }
    bootVersion = /id\s*\(?\s*["']org\.springframework\.boot["']\s*\)?\s*version\s*["']([^"']+)["']/.exec(gradle!)?.[1] ?? null;
    quarkusVersion = /quarkusPlatformVersion\s*=\s*([\w.]+)/.exec(ctx.read('gradle.properties') ?? '')?.[1] ?? (/io\.quarkus/.test(gradle!) ? '' : null);
    javaVersion = /languageVersion\s*(?:=|\.set\()\s*JavaLanguageVersion\.of\((\d+)\)/.exec(gradle!)?.[1] ?? /sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_)?['"]?([\d_.]+)/.exec(gradle!)?.[1]?.replace(/_/g, '.') ?? null;
    const wrapper = ctx.has('gradlew') ? './gradlew' : 'gradle';
    f.ecosystem = 'gradle';
    f.packageManager = { value: 'gradle', confidence: 0.95, evidence: [ctx.rel(gradleFile!)] };
    f.buildTool = { value: 'gradle', confidence: 0.95, evidence: [ctx.rel(gradleFile!)] };
    f.commands = { install: `${wrapper} dependencies`, build: `${wrapper} build`, test: `${wrapper} test` };
    const settings = ctx.read('settings.gradle.kts') ?? ctx.read('settings.gradle') ?? '';
    const name = /rootProject\.name\s*=\s*["']([^"']+)["']/.exec(settings)?.[1] ?? (ctx.dir === '.' ? undefined : ctx.dir.split('/').pop());
    const version = /^\s*version\s*=\s*["']([^"']+)["']/m.exec(gradle!)?.[1] ?? /^\s*version\s*=\s*([\w.-]+)\s*$/m.exec(ctx.read('gradle.properties') ?? '')?.[1];
    // Spring Boot's bootJar is <name>-<version>.jar (the -plain.jar beside it has no dependencies); no version: <name>.jar.
    jar = name ? `build/libs/${name}${version ? `-${version}` : ''}.jar` : undefined;
    jarWhy = `rootProject.name of settings.gradle${ctx.has('settings.gradle.kts') ? '.kts' : ''}${version ? ' and the version' : ' (no version is set, so none is in the name)'}; the -plain.jar beside it has no dependencies and is not run`;
  }
  const wrapper = f.commands.build!.split(' ')[0];
  const isMaven = f.buildTool.value === 'maven';
  const hasBoot = bootVersion !== null || f.dependencies.some((d) => d.name.startsWith('org.springframework.boot:'));
  const hasQuarkus = quarkusVersion !== null || f.dependencies.some((d) => d.name.startsWith('io.quarkus:'));
  const skipTests = isMaven ? `${wrapper} -B package -DskipTests` : `${wrapper} build -x test`;
  if (hasBoot) {
    f.frameworks.push(framework('spring-boot', bootVersion ? cleanVersion(bootVersion) : null, bootVersion ? 0.95 : 0.85, [ev]));
    setCommand(f, 'dev', isMaven ? `${wrapper} spring-boot:run` : `${wrapper} bootRun`, 0.9, [ev], "Spring Boot's run goal");
    setCommand(f, 'build', isMaven ? skipTests : `${wrapper} bootJar`, 0.9, [ev], `Spring Boot's executable jar${isMaven ? ' (the tests run in their own step)' : ''}`);
    if (jar) {
      f.artifact = { kind: 'jar', path: jar };
      setCommand(f, 'start', `java -jar ${jar}`, 0.85, [ev], `the executable jar Spring Boot builds, named by ${jarWhy}`);
    } else setCommand(f, 'start', null, 0.5, [ev], 'the jar name could not be found (artifactId or rootProject.name)');
  }
  if (hasQuarkus) {
    f.frameworks.push(framework('quarkus', cleanVersion(quarkusVersion), 0.9, [ev]));
    setCommand(f, 'dev', isMaven ? `${wrapper} quarkus:dev` : `${wrapper} quarkusDev`, 0.9, [ev], "Quarkus's dev mode");
    setCommand(f, 'build', skipTests, 0.9, [ev], 'Quarkus packages a fast-jar (quarkus-app/)');
    const dir = isMaven ? 'target/quarkus-app' : 'build/quarkus-app';
    f.artifact = { kind: 'jar', path: `${dir}/quarkus-run.jar` };
    setCommand(f, 'start', `java -jar ${dir}/quarkus-run.jar`, 0.9, [ev], "Quarkus's fast-jar runner (it needs the whole quarkus-app folder beside it)");
  }
  if (!hasBoot && !hasQuarkus) {
    const executable = /<mainClass>|maven-shade-plugin|maven-assembly-plugin/.test(pom ?? '') || /\bapplication\b|mainClass/.test(gradle ?? '');
    if (executable && jar && isMaven) {
      f.artifact = { kind: 'jar', path: jar };
      setCommand(f, 'start', `java -jar ${jar}`, 0.7, [ev], `the jar the build writes (a main class is configured), named by ${jarWhy}`);
    } else if (!isMaven && /\bapplication\b/.test(gradle ?? '')) {
      setCommand(f, 'build', `${wrapper} installDist`, 0.8, [ev], "Gradle's application plugin installs a start script");
      const name = jar ? jar.replace(/^build\/libs\//, '').replace(/(-[\d.]+(-SNAPSHOT)?)?\.jar$/, '') : undefined;
      if (name) {
        f.artifact = { kind: 'binary', path: `build/install/${name}/bin/${name}` };
        setCommand(f, 'start', `./build/install/${name}/bin/${name}`, 0.75, [ev], "the start script of Gradle's application plugin");
      }
    } else setCommand(f, 'start', null, 0.5, [ev], 'no framework and no main class is configured: nothing says how the application runs');
  }
  if (f.dependencies.some((d) => d.name.startsWith('io.micronaut'))) f.frameworks.push(framework('micronaut', null, 0.85, [ev]));
  f.commandEvidence = [ev];
  const kotlin = ctx.files.filter((x) => x.language === 'kotlin' && x.kind !== 'config').length > ctx.files.filter((x) => x.language === 'java').length;
  f.runtime = { value: { name: kotlin ? 'jvm' : 'java', version: javaVersion }, confidence: javaVersion ? 0.9 : 0.7, evidence: [ev] };
  if (f.dependencies.some((d) => /junit-jupiter|spring-boot-starter-test|quarkus-junit|:junit$/.test(d.name)) || /useJUnitPlatform/.test(gradle ?? '')) f.testFramework = { value: 'junit', confidence: 0.9, evidence: [ev] };
  else if (f.dependencies.some((d) => /testng/.test(d.name))) f.testFramework = { value: 'testng', confidence: 0.9, evidence: [ev] };
  const props = ctx.read('src/main/resources/application.properties') ?? '';
  const yml = ctx.read('src/main/resources/application.yml') ?? ctx.read('src/main/resources/application.yaml') ?? '';
  const configured = /^(?:server|quarkus\.http)\.port\s*=\s*(\d+)/m.exec(props)?.[1] ?? /^\s*port:\s*(\d+)/m.exec(yml)?.[1];
  if (configured) f.port = { value: Number(configured), confidence: 0.95, evidence: [ctx.rel(props ? 'src/main/resources/application.properties' : 'src/main/resources/application.yml')] };
  else if (hasBoot || hasQuarkus) f.port = { value: 8080, confidence: 0.6, evidence: [ev] };
  return f;
}

/** C# / .NET: *.csproj (ASP.NET Core by the Web SDK), dotnet CLI. */
export function detectDotnet(ctx: ProjectContext): StackFindings | undefined {
  const projects = ctx.find(/^[^/]+\.(csproj|fsproj)$/);
  const solution = ctx.find(/^[^/]+\.sln$/)[0];
  if (projects.length === 0 && !solution) return undefined;
  const f = findings('nuget', ['csharp', 'fsharp']);
  const main = projects[0];
  const text = main ? (ctx.read(ctx.local(main.path)) ?? '') : '';
  const ev = main ? main.path : solution!.path;
  for (const m of text.matchAll(/<PackageReference\s+Include="([^"]+)"\s+Version="([^"]+)"/g)) f.dependencies.push({ name: m[1]!, version: m[2]!, dev: false, ecosystem: 'nuget', locked: false });
  const tfm = /<TargetFrameworks?>([^<;]+)/.exec(text)?.[1];
  const version = tfm ? (/net(?:coreapp)?(\d+\.\d+)/.exec(tfm)?.[1] ?? null) : null;
  f.runtime = { value: { name: 'dotnet', version }, confidence: version ? 0.95 : 0.7, evidence: [ev] };
  f.packageManager = { value: 'dotnet', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'dotnet', confidence: 0.95, evidence: [ev] };
  if (/Sdk="Microsoft\.NET\.Sdk\.Web"/.test(text) || f.dependencies.some((d) => d.name.startsWith('Microsoft.AspNetCore'))) f.frameworks.push(framework('aspnetcore', version, 0.95, [ev]));
  f.commands = { install: 'dotnet restore', test: 'dotnet test' };
  f.commandEvidence = [ev];
  if (main) {
    const local = ctx.local(main.path);
    const assembly = /<AssemblyName>([^<]+)<\/AssemblyName>/.exec(text)?.[1] ?? local.replace(/^.*\//, '').replace(/\.(cs|fs)proj$/, '');
    const project = projects.length > 1 ? ` ${local}` : '';
    f.artifact = { kind: 'publish', path: 'out' };
    setCommand(f, 'build', `dotnet publish${project} -c Release -o out`, 0.9, [ev], 'dotnet publish writes the application and its dependencies into out/');
    setCommand(f, 'start', `dotnet out/${assembly}.dll`, 0.85, [ev], `the published assembly ${assembly}.dll${/<AssemblyName>/.test(text) ? ' (<AssemblyName>)' : ', named after the project file'}`);
    setCommand(f, 'dev', projects.length > 1 ? `dotnet run --project ${local}` : 'dotnet run', 0.9, [ev], 'dotnet run builds and runs the project');
  } else {
    f.commands.build = 'dotnet build -c Release';
    setCommand(f, 'start', null, 0.6, [ev], 'only a solution file: the project to run is not known');
  }
  const testDeps: [RegExp, string][] = [[/^xunit/, 'xunit'], [/^NUnit/, 'nunit'], [/^MSTest/, 'mstest']];
  const allText = ctx.find(/\.(csproj|fsproj)$/).map((p) => ctx.read(ctx.local(p.path)) ?? '').join('\n');
  const t = testDeps.find(([re]) => [...allText.matchAll(/<PackageReference\s+Include="([^"]+)"/g)].some((m) => re.test(m[1]!)));
  if (t) f.testFramework = { value: t[1], confidence: 0.9, evidence: [ev] };
  const launch = ctx.find(/(^|\/)Properties\/launchSettings\.json$/)[0];
  const url = launch ? /"applicationUrl"\s*:\s*"[^"]*?http:\/\/[^:"]+:(\d+)/.exec(ctx.read(ctx.local(launch.path)) ?? '')?.[1] : undefined;
  if (url) f.port = { value: Number(url), confidence: 0.85, evidence: [launch!.path] };
  else if (f.frameworks.length) f.port = portsFromCode(ctx, ['csharp']) ?? { value: 8080, confidence: 0.4, evidence: [ev] };
  return f;
}
