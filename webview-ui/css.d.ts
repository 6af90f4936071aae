// Stylesheets imported as text (scripts/build.mjs bundles .css with the text loader) and put in a <style>.
declare module '*.css' {
  const text: string;
  export default text;
}
