// The large-text toggle beside the language switch on staff screens.
import { commonStrings, useLang } from '../i18n';
import { useTextSize } from '../text-size';

export function TextSizeSwitch() {
  const [lang] = useLang();
  const [size, setSize] = useTextSize();
  const t = commonStrings(lang).textSize;
  return (
    <button
      type="button"
      class="text-size-switch"
      aria-pressed={size === 'large'}
      onClick={() => setSize(size === 'large' ? 'normal' : 'large')}
      data-testid="text-size"
    >
      {t.large}
    </button>
  );
}
