import { describe, expect, it } from 'vitest';
import { useFlowHarness } from './flow-harness.js';

/**
 * A citizen's story through the real engine and the real brain (issue 10): a story is confirmed, not
 * answered outright, and once confirmed the answer is the aspect the story asked about.
 */
const { say } = useFlowHarness();

const STORY = 'Nhà tôi là nhà cấp 4 cũ, tôi định đập bỏ để xây mới nhà 2 tầng. Hàng xóm bảo phải có giấy phép. Tôi nộp hồ sơ ở đâu?';

describe('a story (issue 10, flows)', () => {
  it('When a story is confirmed with the button, then the answer is the aspect it asked about', async () => {
    const [confirm] = await say('s1', STORY);
    expect(confirm!.meta).toMatchObject({ tag: 'confirm', procedureId: 'cap-giay-phep-xay-dung-nha-o' });
    const [answer] = await say('s1', 'proc:cap-giay-phep-xay-dung-nha-o', true);
    expect(answer!.meta).toMatchObject({ tag: 'answer', procedureId: 'cap-giay-phep-xay-dung-nha-o', topic: 'place' });
  });

  it('When a story is confirmed with a typed yes, then the answer is that aspect too', async () => {
    await say('s2', STORY);
    const [answer] = await say('s2', 'đúng rồi');
    expect(answer!.meta).toMatchObject({ tag: 'answer', procedureId: 'cap-giay-phep-xay-dung-nha-o', topic: 'place' });
  });
});
