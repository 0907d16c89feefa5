export function ExtractView() {
  return <p class="muted">Extraction dry runs are made here.</p>;
}
