// A button that opens the file picker (a label around a hidden file input). The input is
// cleared after each pick, so picking the same file again (after fixing it) reads it again.
export function FileButton({
  label,
  accept,
  testId,
  primary = false,
  onFile,
}: {
  label: string;
  accept: string;
  testId: string;
  primary?: boolean;
  onFile: (file: File) => void | Promise<void>;
}) {
  return (
    <label class={primary ? 'button button--primary' : 'button'}>
      {label}
      <input
        type="file"
        accept={accept}
        class="visually-hidden"
        data-testid={testId}
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          const f = input.files?.[0];
          if (f) void onFile(f);
          input.value = '';
        }}
      />
    </label>
  );
}
