export function App() {
  return <h1>HER2 workstation</h1>;
}
